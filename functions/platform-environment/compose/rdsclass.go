package compose

import (
	"math"
	"strings"
)

// InstanceMemoryGiB returns the nominal memory of an RDS instance class of the burstable (t), general
// purpose (m) and memory optimized (r) families, Graviton or Intel: t sizes by name, m 8 GiB and r 16 GiB
// per "large". Other classes are unknown (false): nothing is guessed for them.
func InstanceMemoryGiB(class string) (float64, bool) {
	parts := strings.Split(class, ".")
	if len(parts) != 3 || parts[0] != "db" || len(parts[1]) < 2 {
		return 0, false
	}
	family, size := parts[1][0], parts[2]
	if family == 't' {
		m, ok := map[string]float64{"micro": 1, "small": 2, "medium": 4, "large": 8, "xlarge": 16, "2xlarge": 32}[size]
		return m, ok
	}
	base := map[byte]float64{'m': 8, 'r': 16}[family]
	mult, ok := map[string]float64{"large": 1, "xlarge": 2, "2xlarge": 4, "4xlarge": 8, "8xlarge": 16, "12xlarge": 24, "16xlarge": 32, "24xlarge": 48}[size]
	if base == 0 || !ok {
		return 0, false
	}
	return base * mult, true
}

// PostgreSQL connection sizing. RDS's default max_connections is LEAST({DBInstanceClassMemory/9531392},
// 5000), where DBInstanceClassMemory is the memory left after RDS reserves some for the OS and its own
// processes (not published per class; roughly 10-25 % of the nominal memory, the most on small classes).
const (
	postgresBytesPerConnection = 9531392
	postgresMaxConnections     = 5000
	// postgresMemoryShare is the part of the nominal memory the explicit max_connections is computed from:
	// 3/4 is meant to stay at or below RDS's default, which divides the memory left after the reservation
	// (typically 10-25 %), so setting it errs towards fewer connections than the default, never more.
	postgresMemoryShare = 0.75
)

// PostgresMaxConnections returns the max_connections the database's parameter group sets for an instance
// class, and false for a class whose memory is unknown (the group then leaves RDS's default). The database
// sets it and the connections alarm derives its threshold from it, so the alarm matches the server's real
// limit instead of a formula over nominal memory that RDS does not use.
func PostgresMaxConnections(class string) (int, bool) {
	mem, ok := InstanceMemoryGiB(class)
	if !ok {
		return 0, false
	}
	n := math.Floor(mem * (1 << 30) * postgresMemoryShare / postgresBytesPerConnection)
	return int(math.Min(n, postgresMaxConnections)), true
}
