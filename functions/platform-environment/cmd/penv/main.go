// Command penv plans a PlatformEnvironment edit offline: what a pull request will create, update, replace, delete,
// orphan or be refused, before it merges. The function's render runs in process; no cluster, Docker, network or
// crossplane CLI is needed. See docs/plan.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/alecthomas/kong"

	"github.com/cloudpartner/platform-environment/apis/admission"
	"github.com/cloudpartner/platform-environment/apis/v1alpha1"
	"github.com/cloudpartner/platform-environment/functions/platform-environment/plan"
)

// Exit codes: 0 and 2 as terraform plan -detailed-exitcode (no change, changes), 1 an error, 3 what needs a human.
const (
	exitNoChange = 0
	exitError    = 1
	exitChanges  = 2
	exitHuman    = 3
)

const description = `Plan a PlatformEnvironment edit offline, like terraform plan.

Exit codes: 0 no change; 2 changes; 3 refused at admission, refused by the function (Fatal; the budget's refusal of
an edit is one), blocked (a field the provider cannot update in place on a resource that stays), data at risk (a
database, cache, key, bucket, zone, log group or secret deleted or replaced), or any destroy plan; 1 error.
Note: crossplane-diff gives exit codes 2 and 3 other meanings: check its documentation before reusing a CI step
written for it.`

// CLI is penv's command line.
type CLI struct {
	Plan PlanCmd `cmd:"" help:"Compare the render of the live spec with the render of the new one."`
}

// PlanCmd is `penv plan`.
type PlanCmd struct {
	New      string `help:"The PlatformEnvironment as it will be after the merge (a YAML or JSON file)." type:"path" xor:"target"`
	Destroy  bool   `help:"Plan deleting the environment (the PR deletes its file, Argo CD prunes it)." xor:"target"`
	Old      string `help:"The live PlatformEnvironment; default: the one in --observed, else --new with --observed (a plan of the observed state), else none (a new environment: everything is created)." type:"path"`
	Observed string `xor:"state" help:"The observed composed resources: a YAML/JSON stream, a kind: List (kubectl get -o yaml) or crossplane beta trace -o json output, keyed by their crossplane.io/composition-resource-name annotation; a PlatformEnvironment in it is the live spec." type:"path"`
	Output   string `default:"text" enum:"text,json,markdown" help:"Output format: text, json or markdown." short:"o"`

	Kubeconfig string `help:"Read the live XR and its composed resources (spec.crossplane.resourceRefs) from a cluster instead of --observed: get and list only, any other verb is refused in the client (a ServiceAccount such as examples/install/tenancy/plan-reader.yaml's is enough)." type:"path" xor:"state"`
	Context    string `help:"The kubeconfig context (default: its current context)."`
	XR         string `help:"The PlatformEnvironment's name in the cluster (default: --new's metadata.name)." name:"xr"`
	Namespace  string `help:"Its namespace (default: --new's metadata.namespace, else the context's); also the namespace of a --new or --old file that leaves it out, as Argo CD's destination namespace fills it." short:"n"`

	stdout io.Writer
}

// Help is the plan command's long help: the exit codes.
func (c *PlanCmd) Help() string { return description }

// Run computes and prints the plan and returns the exit code.
func (c *PlanCmd) Run() (int, error) {
	if c.New == "" && !c.Destroy {
		return exitError, errors.New("give --new <xr.yaml>, or --destroy for a plan of deleting the environment")
	}
	var newObj, oldObj map[string]any
	in := plan.Input{}
	if c.New != "" {
		o, xr, err := plan.ReadXR(c.New)
		if err != nil {
			return exitError, err
		}
		newObj, in.New = o, xr
		c.fillNamespace(newObj, in.New)
	}
	state := &plan.State{}
	source := c.Observed
	switch {
	case c.Kubeconfig != "":
		s, err := c.readCluster(in.New)
		switch {
		case errors.Is(err, plan.ErrNotFound) && in.New != nil:
			// Not in the cluster yet: the PR files a new environment, and the plan creates everything.
		case err != nil:
			return exitError, err
		default:
			state, source = s, "the cluster"
		}
	case c.Observed != "":
		s, err := plan.ReadState(c.Observed)
		if err != nil {
			return exitError, err
		}
		state = s
	}
	in.Observed = state.Observed
	switch {
	case c.Old != "":
		o, xr, err := plan.ReadXR(c.Old)
		if err != nil {
			return exitError, err
		}
		oldObj, in.Old = o, xr
		c.fillNamespace(oldObj, in.Old)
	case state.XR != nil:
		xr, err := plan.DecodeXR(state.XR)
		if err != nil {
			return exitError, fmt.Errorf("%s: the PlatformEnvironment in it: %v", source, err)
		}
		oldObj, in.Old = state.XR, xr
	case source != "":
		oldObj, in.Old = newObj, in.New // the plan of the observed state: what a reconcile of the same spec changes
	case in.New != nil:
		// Neither a live spec nor observed state: the environment is new, and the plan creates everything.
	default:
		return exitError, errors.New("--destroy needs the live spec: give --old <xr.yaml>, an --observed file that holds the PlatformEnvironment, or --kubeconfig with --xr")
	}
	if newObj != nil {
		problems, err := admission.XRUpdate(oldObj, overLive(oldObj, newObj))
		if err != nil {
			return exitError, err
		}
		in.Refused = problems
	}
	p, err := plan.Compute(in)
	if err != nil {
		return exitError, err
	}
	switch c.Output {
	case "json":
		err = plan.JSON(c.stdout, p)
	case "markdown":
		err = plan.Markdown(c.stdout, p)
	default:
		err = plan.Text(c.stdout, p)
	}
	if err != nil {
		return exitError, err
	}
	switch {
	case p.NeedsHuman():
		return exitHuman, nil
	case p.Changes():
		return exitChanges, nil
	}
	return exitNoChange, nil
}

// fillNamespace gives a file without metadata.namespace the -n namespace, as Argo CD's destination namespace does
// (docs/gitops.md: the team folder's name).
func (c *PlanCmd) fillNamespace(obj map[string]any, xr *v1alpha1.PlatformEnvironment) {
	if c.Namespace == "" || xr.Namespace != "" {
		return
	}
	xr.Namespace = c.Namespace
	if md, ok := obj["metadata"].(map[string]any); ok {
		md["namespace"] = c.Namespace
	}
}

// readCluster reads the live state with the read-only client: the XR named by --xr and -n, else by --new.
func (c *PlanCmd) readCluster(nu *v1alpha1.PlatformEnvironment) (*plan.State, error) {
	name, ns := c.XR, c.Namespace
	if nu != nil {
		if name == "" {
			name = nu.Name
		}
		if ns == "" {
			ns = nu.Namespace
		}
	}
	if name == "" {
		return nil, errors.New("--kubeconfig with --destroy needs --xr <name> (and -n <namespace>): the PlatformEnvironment to read")
	}
	cfg, ctxNS, err := plan.Cluster{Kubeconfig: c.Kubeconfig, Context: c.Context, Namespace: ns}.RESTConfig()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return plan.ReadCluster(ctx, cfg, ctxNS, name)
}

// overLive is the new object as an update of the live one reaches admission: the file has no uid, generation,
// resourceVersion or the other fields the API server keeps, so the live object's metadata stays, with the file's
// name and namespace, and its labels and annotations where it has them (an apply leaves other managers' in place).
func overLive(old, nu map[string]any) map[string]any {
	if old == nil {
		return nu
	}
	out := map[string]any{}
	for k, v := range nu {
		out[k] = v
	}
	meta := map[string]any{}
	if om, ok := old["metadata"].(map[string]any); ok {
		for k, v := range om {
			meta[k] = v
		}
	}
	nm, _ := nu["metadata"].(map[string]any)
	for _, k := range []string{"name", "namespace", "labels", "annotations"} {
		if v, ok := nm[k]; ok {
			meta[k] = v
		}
	}
	out["metadata"] = meta
	return out
}

// run parses args and runs the command, writing the plan to stdout and errors (one line) to stderr.
func run(args []string, stdout, stderr io.Writer) int {
	cli := &CLI{}
	cli.Plan.stdout = stdout
	exited := -1 // kong "exits" after --help; the plan's exit codes are run's to return
	parser, err := kong.New(cli, kong.Name("penv"), kong.Description(description),
		kong.Writers(stdout, stderr), kong.Exit(func(code int) { exited = code }))
	if err != nil {
		fmt.Fprintln(stderr, "penv:", err)
		return exitError
	}
	ctx, err := parser.Parse(args)
	if exited >= 0 {
		return exited
	}
	if err != nil {
		fmt.Fprintln(stderr, "penv:", err)
		return exitError
	}
	if ctx.Command() != "plan" {
		return exitNoChange // --help
	}
	code, err := cli.Plan.Run()
	if err != nil {
		fmt.Fprintln(stderr, "penv:", err)
	}
	return code
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
