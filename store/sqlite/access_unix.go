//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import "syscall"

// writable reports whether this process may write path, as the kernel
// would decide (root may write a read-only file, but not on a read-only
// mount).
func writable(path string) bool {
	const wOK = 2
	return syscall.Access(path, wOK) == nil
}
