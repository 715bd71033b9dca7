package compose

import (
	"fmt"
	"regexp"
	"strconv"
)

// Maintenance and backup windows as RDS and ElastiCache take them: a daily window "hh:mm-hh:mm" and a
// weekly one "ddd:hh:mm-ddd:hh:mm", both in UTC. AWS rejects a daily window that overlaps the weekly
// maintenance window, and windows shorter than its minimum; the function checks first so that the error
// names the spec field instead of surfacing later as a provider error on one managed resource.

const (
	minutesPerDay  = 24 * 60
	minutesPerWeek = 7 * minutesPerDay
)

var (
	dailyWindowRE  = regexp.MustCompile(`^([01][0-9]|2[0-3]):([0-5][0-9])-([01][0-9]|2[0-3]):([0-5][0-9])$`)
	weeklyWindowRE = regexp.MustCompile(`^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):([0-5][0-9])$`)
	weekdays       = map[string]int{"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
)

// Window is a time span in minutes from the start of a period (a day or a week); End may exceed the
// period when the window wraps around midnight or the end of the week.
type Window struct {
	Start, End int
	weekly     bool
}

// Minutes returns the window's length.
func (w Window) Minutes() int { return w.End - w.Start }

// ParseDailyWindow parses "hh:mm-hh:mm".
func ParseDailyWindow(s string) (Window, bool) {
	m := dailyWindowRE.FindStringSubmatch(s)
	if m == nil {
		return Window{}, false
	}
	start, end := atoi(m[1])*60+atoi(m[2]), atoi(m[3])*60+atoi(m[4])
	if end <= start {
		end += minutesPerDay
	}
	return Window{Start: start, End: end}, true
}

// ParseWeeklyWindow parses "ddd:hh:mm-ddd:hh:mm".
func ParseWeeklyWindow(s string) (Window, bool) {
	m := weeklyWindowRE.FindStringSubmatch(s)
	if m == nil {
		return Window{}, false
	}
	start := weekdays[m[1]]*minutesPerDay + atoi(m[2])*60 + atoi(m[3])
	end := weekdays[m[4]]*minutesPerDay + atoi(m[5])*60 + atoi(m[6])
	if end <= start {
		end += minutesPerWeek
	}
	return Window{Start: start, End: end, weekly: true}, true
}

// Overlaps reports whether a daily window overlaps a weekly one on any day of the week.
func (w Window) Overlaps(weekly Window) bool {
	if w.weekly || !weekly.weekly {
		panic("Overlaps: call it on a daily window with a weekly one")
	}
	for day := 0; day < 7; day++ {
		s, e := w.Start+day*minutesPerDay, w.End+day*minutesPerDay
		// Compare in the week and shifted by one week, for windows that wrap past Sunday midnight.
		for _, shift := range []int{-minutesPerWeek, 0, minutesPerWeek} {
			if s < weekly.End+shift && weekly.Start+shift < e {
				return true
			}
		}
	}
	return false
}

// CheckWindows validates a daily window and a weekly maintenance window: their formats, their minimum
// lengths and that they do not overlap. Fields are the spec paths reported in errors.
func CheckWindows(dailyField, daily string, dailyMin int, weeklyField, weekly string) error {
	d, ok := ParseDailyWindow(daily)
	if !ok {
		return Invalid(dailyField, "use hh:mm-hh:mm in UTC, e.g. 03:00-04:00", "%q is not a daily window", daily)
	}
	w, ok := ParseWeeklyWindow(weekly)
	if !ok {
		return Invalid(weeklyField, "use ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:04:00-sun:05:00", "%q is not a weekly window", weekly)
	}
	if d.Minutes() < dailyMin {
		return Invalid(dailyField, fmt.Sprintf("make it at least %d minutes long", dailyMin), "%q lasts %d minutes", daily, d.Minutes())
	}
	if w.Minutes() < 30 {
		return Invalid(weeklyField, "make it at least 30 minutes long", "%q lasts %d minutes", weekly, w.Minutes())
	}
	if d.Overlaps(w) {
		return Invalid(dailyField, "move it or "+weeklyField+" so that they do not overlap", "%q overlaps the maintenance window %q; AWS rejects overlapping windows", daily, weekly)
	}
	return nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s) // only called on regexp-matched digits
	return n
}
