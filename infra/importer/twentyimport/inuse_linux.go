package twentyimport

import (
	"os"
	"path/filepath"
	"strconv"
)

// heldBy answers the id of a process that has path open (workerd, while the stack runs), or 0.
// It reads /proc: another process's descriptors it may not read are skipped.
func heldBy(path string) int {
	abs, err := filepath.Abs(path)
	if err != nil {
		return 0
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	self := os.Getpid()
	for _, fd := range procs {
		target, err := os.Readlink(fd)
		if err != nil || target != abs {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(fd)))); err == nil && pid != self {
			return pid
		}
	}
	return 0
}
