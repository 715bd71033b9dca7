package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/cloudpartner/platform-environment/test/clirender"
)

// The user guide's profile table is written by hand; this test renders a minimal environment per profile with
// the real function (the way `make render` does) and checks every cell against the status.resolved it
// publishes, so the table cannot drift from the code.

var profiles = []string{"dev", "staging", "prod"}

// minimalXR is the smallest spec every profile accepts, with a domain so that the edge resolves too.
const minimalXR = `apiVersion: platform.cloudpartner.pro/v1alpha1
kind: PlatformEnvironment
metadata:
  name: probe
  namespace: team-a
spec:
  profile: %s
  region: us-east-1
  domain: example.com
  cluster:
    endpointPublicAccessCidrs: [203.0.113.0/24]
    providerPrincipalArn: arn:aws:iam::123456789012:role/probe
`

// profileRows maps a row's field (in the row's first cell) to the cell the resolved status gives. Rows
// whose default is not in status.resolved (it follows from the profile inside a builder, or is a rule
// rather than a value) are listed in notResolved and skipped.
var profileRows = map[string]func(r resolved) string{
	"spec.deletionProtection":                func(r resolved) string { return onOff(r.bool("deletionProtection")) },
	"spec.network.natGateways":               func(r resolved) string { return r.str("network.natGateways") },
	"spec.network.flowLogRetentionDays":      func(r resolved) string { return r.str("network.flowLogRetentionDays") },
	"spec.cluster.nodeGroup":                 nodeSizes,
	"spec.cluster.nodeGroup.diskSizeGiB":     func(r resolved) string { return r.str("cluster.nodeGroup.diskSizeGiB") },
	"spec.cluster.logRetentionDays":          func(r resolved) string { return r.str("cluster.logRetentionDays") },
	"spec.cluster.upgradePolicy.supportType": func(r resolved) string { return r.str("cluster.supportType") },
	"spec.database.multiAz":                  func(r resolved) string { return yesNo(r.bool("database.multiAz")) },
	"spec.database.backupRetentionDays":      func(r resolved) string { return r.str("database.backupRetentionDays") },
	"spec.database.finalSnapshot":            func(r resolved) string { return yesNo(r.str("database.finalSnapshotIdentifier") != "") },
	"spec.cache.numCacheClusters":            func(r resolved) string { return r.str("cache.numCacheClusters") },
	"spec.cache.snapshotRetentionDays":       func(r resolved) string { return r.str("cache.snapshotRetentionDays") },
	"spec.cache.finalSnapshot":               func(r resolved) string { return yesNo(r.str("cache.finalSnapshotIdentifier") != "") },
	"spec.edge.accessLogRetentionDays":       func(r resolved) string { return r.str("edge.accessLogRetentionDays") },
	"spec.observability.logRetentionDays":    func(r resolved) string { return r.str("observability.logRetentionDays") },
	"spec.observability.cloudTrail":          func(r resolved) string { return onOff(r.bool("observability.cloudTrail")) },
	"spec.observability.trailRetentionDays":  func(r resolved) string { return r.str("observability.trailRetentionDays") },
}

var notResolved = map[string]bool{
	// A rule of the prod profile (the function's Fatal), not a value.
	"spec.cluster.endpointPublicAccessCidrs": true,
}

func nodeSizes(r resolved) string {
	return r.str("cluster.nodeGroup.minSize") + " / " + r.str("cluster.nodeGroup.desiredSize") + " / " + r.str("cluster.nodeGroup.maxSize")
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// resolved is one render's status.resolved.
type resolved map[string]any

func (r resolved) value(path string) any {
	var v any = map[string]any(r)
	for _, p := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[p]
	}
	return v
}

func (r resolved) str(path string) string {
	v := r.value(path)
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func (r resolved) bool(path string) bool { b, _ := r.value(path).(bool); return b }

func TestProfileTable(t *testing.T) {
	cli, fn := clirender.Binaries(t)
	got := make(map[string]resolved, len(profiles))
	errs := make([]error, len(profiles))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i, p := range profiles {
		wg.Go(func() {
			r, err := renderResolved(t, cli, fn, p)
			mu.Lock()
			defer mu.Unlock()
			got[p], errs[i] = r, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rows := profileTable(t, read(t, appTeamsPath))
	if len(rows) < len(profileRows) {
		t.Errorf("the profile table has %d rows with a field; the test knows %d", len(rows), len(profileRows))
	}
	for _, row := range rows {
		want, ok := profileRows[row.field]
		if !ok {
			if !notResolved[row.field] {
				t.Errorf("%s:%d: row %s: the test does not know how to read its default from status.resolved", appTeamsPath, row.line, row.field)
			}
			continue
		}
		for i, p := range profiles {
			cell := row.cells[i]
			if w := want(got[p]); !strings.HasPrefix(cell, w) {
				t.Errorf("%s:%d: row %s, profile %s: the table says %q, the function resolves %q", appTeamsPath, row.line, row.field, p, cell, w)
			}
		}
	}
}

type tableRow struct {
	line  int
	field string
	cells []string // per profile, without ` and **
}

// profileTable reads the rows of the table under "## What each profile defaults to" that name a field.
func profileTable(t *testing.T, md string) []tableRow {
	t.Helper()
	field := regexp.MustCompile("\\(`(spec\\.[A-Za-z.]+)`\\)")
	var out []tableRow
	in := false
	for i, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "## ") {
			in = line == "## What each profile defaults to"
			continue
		}
		if !in || !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		m := field.FindStringSubmatch(cells[0])
		if m == nil {
			continue
		}
		if len(cells) != 1+len(profiles) {
			t.Fatalf("%s:%d: %d cells, want %d", appTeamsPath, i+1, len(cells), 1+len(profiles))
		}
		row := tableRow{line: i + 1, field: m[1]}
		for _, c := range cells[1:] {
			row.cells = append(row.cells, strings.NewReplacer("`", "", "**", "").Replace(strings.TrimSpace(c)))
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		t.Fatalf("%s has no profile table under \"## What each profile defaults to\"", appTeamsPath)
	}
	return out
}

// renderResolved renders the minimal XR of a profile through scripts/render.sh (the path `make render`
// takes) and returns the XR's status.resolved. It runs concurrently: errors are returned, not reported.
func renderResolved(t *testing.T, cli, fn, profile string) (resolved, error) {
	xr := filepath.Join(t.TempDir(), profile+".yaml")
	if err := os.WriteFile(xr, []byte(fmt.Sprintf(minimalXR, profile)), 0o600); err != nil {
		return nil, err
	}
	out, err := clirender.Render(cli, fn, xr, "")
	if err != nil {
		return nil, fmt.Errorf("the %s profile: %w", profile, err)
	}
	docs, err := clirender.Documents(out)
	if err != nil {
		return nil, fmt.Errorf("the render of the %s profile: %w", profile, err)
	}
	for _, obj := range docs {
		if obj["kind"] != "PlatformEnvironment" {
			continue
		}
		status, _ := obj["status"].(map[string]any)
		r, _ := status["resolved"].(map[string]any)
		if r == nil {
			return nil, fmt.Errorf("the %s profile's render has no status.resolved:\n%s", profile, out)
		}
		return r, nil
	}
	return nil, fmt.Errorf("the %s profile's render has no PlatformEnvironment:\n%s", profile, out)
}
