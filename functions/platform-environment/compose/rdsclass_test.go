package compose

import "testing"

func TestPostgresMaxConnections(t *testing.T) {
	cases := map[string]struct {
		reason string
		class  string
		want   int
		known  bool
	}{
		"T3Micro":     {reason: "1 GiB: 3/4 of it over 9531392 bytes per connection.", class: "db.t3.micro", want: 84, known: true},
		"T3Medium":    {reason: "The seed's class, 4 GiB.", class: "db.t3.medium", want: 337, known: true},
		"R6gXlarge":   {reason: "32 GiB.", class: "db.r6g.xlarge", want: 2703, known: true},
		"M7g16xlarge": {reason: "256 GiB would allow more than 5000: PostgreSQL's default cap holds.", class: "db.m7g.16xlarge", want: 5000, known: true},
		"Unknown":     {reason: "A class outside the table: nothing guessed.", class: "db.x2iedn.xlarge"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, ok := PostgresMaxConnections(tc.class)
			if got != tc.want || ok != tc.known {
				t.Errorf("%s\nPostgresMaxConnections(%q) = %d, %v; want %d, %v", tc.reason, tc.class, got, ok, tc.want, tc.known)
			}
		})
	}
}
