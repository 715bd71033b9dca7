package compose

// KMS waits a window of 7 to 30 days between a key's scheduled deletion and the deletion itself; until
// then the deletion can be cancelled.
const (
	shortestKeyDeletionWindow = 7
	longestKeyDeletionWindow  = 30
)

// KeyDeletionWindow is the deletion window of the environment's KMS keys: the longest AWS allows with
// deletion protection, time to notice and cancel a deletion before what the key encrypted is unreadable;
// the shortest otherwise, so that a dev environment's keys are gone soon after it.
func (e *Env) KeyDeletionWindow() int {
	if e.DeletionProtection {
		return longestKeyDeletionWindow
	}
	return shortestKeyDeletionWindow
}
