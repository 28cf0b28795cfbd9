//go:build linux

package devstack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Runtime is the workerd process of a stack that runs the Workers. `wrangler dev` puts a second
// workerd in front of it, a dev-only proxy whose Worker forwards every request (so that a reload
// does not drop connections); production traffic reaches the runtime directly.
type Runtime struct {
	// URL is the runtime's own HTTP socket, serving the primary Worker like BaseURL but without
	// wrangler's proxy in between.
	URL string
	// PID is the runtime's process id and ProxyPID the proxy's (0 if not found).
	PID, ProxyPID int
}

// Runtime finds the stack's runtime: the workerd of the group started with an inspector address
// (the proxy has none), and among its listening sockets the one where path answers 200.
func (s *Stack) Runtime(ctx context.Context, path string) (*Runtime, error) {
	pids, err := groupPIDs(s.PGID())
	if err != nil {
		return nil, err
	}
	rt := &Runtime{}
	for _, pid := range pids {
		cmd, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil || !bytes.Contains(cmd, []byte("workerd")) || !bytes.Contains(cmd, []byte("serve")) {
			continue
		}
		if bytes.Contains(cmd, []byte("--inspector-addr")) {
			rt.PID = pid
		} else {
			rt.ProxyPID = pid
		}
	}
	if rt.PID == 0 {
		return nil, errors.New("devstack: no workerd runtime in the stack's process group")
	}
	ports, err := listeningPorts(rt.PID)
	if err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 2 * time.Second}
	for _, port := range ports {
		u := fmt.Sprintf("http://127.0.0.1:%d", port)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u+path, nil)
		if err != nil {
			return nil, err
		}
		res, err := client.Do(req)
		if err != nil {
			continue
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
			rt.URL = u
			return rt, nil
		}
	}
	return nil, fmt.Errorf("devstack: none of the runtime's ports %v answers %s", ports, path)
}

// CPUTime returns the user plus system CPU time process pid has used.
func CPUTime(pid int) (time.Duration, error) {
	fields, err := statFields(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("devstack: cpu time: %w", err)
	}
	if len(fields) < 13 {
		return 0, fmt.Errorf("devstack: cpu time: short /proc/%d/stat", pid)
	}
	// After the comm: state(0) ... utime(11) stime(12), in clock ticks (100 a second on Linux).
	utime, err1 := strconv.ParseInt(string(fields[11]), 10, 64)
	stime, err2 := strconv.ParseInt(string(fields[12]), 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("devstack: cpu time: %w", err)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}

// RunTime is the time process pid's threads have run on a CPU, to the nanosecond (the sum of
// their /proc/<pid>/task/<tid>/schedstat), where CPUTime counts clock ticks of 10 ms.
func RunTime(pid int) (time.Duration, error) {
	stats, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/[0-9]*/schedstat", pid))
	if err != nil || len(stats) == 0 {
		return 0, fmt.Errorf("devstack: run time of %d: no threads (%v)", pid, err)
	}
	var total int64
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a thread that ended
		}
		first, _, _ := strings.Cut(string(b), " ")
		ns, err := strconv.ParseInt(first, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("devstack: run time: %s: %w", f, err)
		}
		total += ns
	}
	return time.Duration(total), nil
}

// groupPIDs returns the processes of group pgid.
func groupPIDs(pgid int) ([]int, error) {
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range stats {
		fields, err := statFields(f)
		if err != nil || len(fields) < 3 {
			continue
		}
		if pg, _ := strconv.Atoi(string(fields[2])); pg == pgid {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, pid)
		}
	}
	return pids, nil
}

// listeningPorts returns the TCP ports process pid listens on: the sockets among its file
// descriptors that /proc/net/tcp lists in state LISTEN (0A).
func listeningPorts(pid int) ([]int, error) {
	fds, err := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", pid))
	if err != nil {
		return nil, err
	}
	inodes := map[string]bool{}
	for _, fd := range fds {
		if target, err := os.Readlink(fd); err == nil && strings.HasPrefix(target, "socket:[") {
			inodes[strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")] = true
		}
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/net/tcp", pid))
	if err != nil {
		return nil, fmt.Errorf("devstack: listening ports: %w", err)
	}
	defer f.Close()
	var ports []int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" || !inodes[fields[9]] {
			continue
		}
		_, portHex, _ := strings.Cut(fields[1], ":")
		if port, err := strconv.ParseInt(portHex, 16, 32); err == nil {
			ports = append(ports, int(port))
		}
	}
	return ports, sc.Err()
}
