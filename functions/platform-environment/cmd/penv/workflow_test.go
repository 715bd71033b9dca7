package main

import (
	"os"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"sigs.k8s.io/yaml"
)

// TestWorkflowFlags: every `penv plan` the example GitHub Actions workflow runs parses with penv's own flags (names,
// the -o enum, the xor groups), and the workflow plans from the cluster read-only and posts Markdown.
func TestWorkflowFlags(t *testing.T) {
	b, err := os.ReadFile(repoPath("examples", "ci", "plan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Run string `json:"run"`
			} `json:"steps"`
		} `json:"jobs"`
	}
	if err := yaml.Unmarshal(b, &wf); err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, job := range wf.Jobs {
		for _, step := range job.Steps {
			for _, line := range strings.Split(step.Run, "\n") {
				rest, ok := strings.CutPrefix(strings.TrimSpace(line), "penv plan ")
				if !ok {
					continue
				}
				calls = append(calls, append([]string{"plan"}, shellArgs(rest)...))
			}
		}
	}
	if len(calls) != 2 {
		t.Fatalf("want the two penv plan calls (a changed file, a deleted one), got %q", calls)
	}
	for _, args := range calls {
		cli := &CLI{}
		parser, err := kong.New(cli, kong.Name("penv"), kong.Exit(func(int) { t.Errorf("%q: exits", args) }))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := parser.Parse(args); err != nil {
			t.Errorf("penv %s: %v", strings.Join(args, " "), err)
			continue
		}
		if cli.Plan.Kubeconfig == "" || cli.Plan.Output != "markdown" || cli.Plan.Namespace == "" {
			t.Errorf("penv %s: want --kubeconfig, -n and -o markdown", strings.Join(args, " "))
		}
	}
}

// shellArgs splits the arguments of one shell command line, up to a redirection or an operator; a quoted or bare
// variable becomes a placeholder value.
func shellArgs(s string) []string {
	var out []string
	for _, f := range strings.Fields(s) {
		if strings.HasPrefix(f, ">") || strings.HasPrefix(f, "2>") || f == "||" || f == "&&" || f == "|" || f == ";" {
			break
		}
		f = strings.Trim(f, `"'`)
		if strings.HasPrefix(f, "$") {
			f = "placeholder"
		}
		out = append(out, f)
	}
	return out
}
