//go:build unix && !linux

package devstack

import "syscall"

// sysProcAttr puts the wrapper in its own process group. Without Pdeathsig
// (Linux only) the stack survives a crash of the calling process; only Stop
// and the wrapper's EXIT trap clean up.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// groupAlive reports whether process group pgid still has a member.
func groupAlive(pgid int) bool {
	return pgid > 0 && syscall.Kill(-pgid, 0) != syscall.ESRCH
}
