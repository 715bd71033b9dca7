package compose

import (
	"strings"
	"testing"
)

func TestCheckWindows(t *testing.T) {
	cases := map[string]struct {
		reason         string
		daily, weekly  string
		dailyMin       int
		wantField, msg string
	}{
		"Seed": {
			reason: "The seed's windows: backups 03:00-04:00 daily, maintenance on Sunday right after.",
			daily:  "03:00-04:00", weekly: "sun:04:00-sun:05:00", dailyMin: 30,
		},
		"Adjacent": {
			reason: "Windows that touch do not overlap.",
			daily:  "04:00-05:00", weekly: "sun:05:00-sun:06:00", dailyMin: 60,
		},
		"Overlap": {
			reason: "A daily window overlaps the weekly one on the maintenance day.",
			daily:  "03:30-04:30", weekly: "sun:04:00-sun:05:00", dailyMin: 30,
			wantField: "spec.x.backupWindow", msg: "overlaps",
		},
		"OverlapAcrossMidnight": {
			reason: "A daily window that wraps midnight still overlaps a maintenance window just after midnight.",
			daily:  "23:30-00:30", weekly: "mon:00:00-mon:01:00", dailyMin: 30,
			wantField: "spec.x.backupWindow", msg: "overlaps",
		},
		"OverlapAcrossWeekEnd": {
			reason: "A maintenance window from Sunday night into Monday wraps the end of the week.",
			daily:  "00:15-00:45", weekly: "sun:23:30-mon:00:30", dailyMin: 30,
			wantField: "spec.x.backupWindow", msg: "overlaps",
		},
		"TooShort": {
			reason: "ElastiCache snapshot windows last at least 60 minutes.",
			daily:  "02:00-02:30", weekly: "sun:05:00-sun:06:00", dailyMin: 60,
			wantField: "spec.x.backupWindow", msg: "lasts 30 minutes",
		},
		"MaintenanceTooShort": {
			reason: "Maintenance windows last at least 30 minutes.",
			daily:  "02:00-03:00", weekly: "sun:05:00-sun:05:10", dailyMin: 30,
			wantField: "spec.x.maintenanceWindow", msg: "lasts 10 minutes",
		},
		"BadDaily": {
			reason: "Hours run to 23.",
			daily:  "24:00-01:00", weekly: "sun:05:00-sun:06:00", dailyMin: 30,
			wantField: "spec.x.backupWindow", msg: "not a daily window",
		},
		"BadWeekly": {
			reason: "Days are three lower-case letters.",
			daily:  "02:00-03:00", weekly: "Sunday:05:00-Sunday:06:00", dailyMin: 30,
			wantField: "spec.x.maintenanceWindow", msg: "not a weekly window",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := CheckWindows("spec.x.backupWindow", tc.daily, tc.dailyMin, "spec.x.maintenanceWindow", tc.weekly)
			if tc.wantField == "" {
				if err != nil {
					t.Fatalf("%s\nunexpected error: %v", tc.reason, err)
				}
				return
			}
			fe, ok := err.(*FieldError)
			if !ok {
				t.Fatalf("%s\nwant a FieldError, got %v", tc.reason, err)
			}
			if fe.Field != tc.wantField || !strings.Contains(fe.Error(), tc.msg) {
				t.Errorf("%s\ngot %q; want field %s and %q", tc.reason, fe.Error(), tc.wantField, tc.msg)
			}
		})
	}
}
