//go:build e2e

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"time"
)

// process is one control-plane component, started by the harness and stopped by its PID.
type process struct {
	name string
	base string // a restarted component's name (restart, faults_restart_test.go); name then carries a number
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// spawner starts processes from one goroutine locked to its OS thread for good. Children get SIGKILL when the
// thread that forked them exits (Pdeathsig), so that thread must live as long as the test binary: then a crash or a
// `go test -timeout` panic still leaves nothing running.
type spawner struct{ req chan spawnReq }

type spawnReq struct {
	cmd *exec.Cmd
	res chan error
}

func newSpawner() *spawner {
	s := &spawner{req: make(chan spawnReq)}
	go func() {
		runtime.LockOSThread() // never unlocked: the thread dies with the process
		for r := range s.req {
			r.res <- r.cmd.Start()
		}
	}()
	return s
}

// start runs bin with args, logging to <dir>/<name>.log, in its own process group.
func (s *spawner) start(dir, name, bin string, args, env []string) (*process, error) {
	logPath := filepath.Join(dir, name+".log")
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = f, f
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	res := make(chan error)
	s.req <- spawnReq{cmd: cmd, res: res}
	if err := <-res; err != nil {
		f.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.done)
	}()
	return p, nil
}

// run runs bin to completion (a one-shot like `crossplane core init`), logging like start.
func (s *spawner) run(dir, name, bin string, args, env []string, timeout time.Duration) error {
	p, err := s.start(dir, name, bin, args, env)
	if err != nil {
		return err
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.stop(time.Second)
		return fmt.Errorf("%s did not finish within %s", name, timeout)
	}
}

// exited reports whether the process has ended, with its error.
func (p *process) exited() (bool, error) {
	select {
	case <-p.done:
		return true, p.err
	default:
		return false, nil
	}
}

// stop sends SIGTERM to the PID, waits up to grace, then SIGKILLs the PID. It reports whether the process had to be
// killed.
func (p *process) stop(grace time.Duration) (killed bool) {
	if done, _ := p.exited(); done {
		return false
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return false
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	return true
}

// pid of the process.
func (p *process) pid() int { return p.cmd.Process.Pid }

// alive returns an error naming the process if it has exited.
func (p *process) alive() error {
	if done, err := p.exited(); done {
		if err == nil {
			err = errors.New("exit status 0")
		}
		return fmt.Errorf("%s (pid %d) exited: %v; see %s", p.name, p.pid(), err, p.log)
	}
	return nil
}
