package compose

import "strings"

// FinalSnapshotName names the snapshot a database or cache takes when it is deleted: the AWS name of
// part plus the first 8 hex digits of the XR's uid. Snapshot names are unique in the account and region
// and outlive the environment, so the uid keeps two lives of the same environment apart: an environment
// deleted, filed again under the same name and deleted again does not collide with its predecessor's
// snapshot. The RDS rule (63, lower case, letter first) fits RDS and ElastiCache snapshot names alike.
// Without a uid (crossplane render) the name is part's alone.
func (e *Env) FinalSnapshotName(part string) string {
	if uid := strings.ReplaceAll(e.UID, "-", ""); uid != "" {
		part += "-" + uid[:min(8, len(uid))]
	}
	return e.AWSName(RuleRDS, part)
}
