package loadgen

import (
	"bufio"
	"bytes"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// procRoot is /proc; tests never change it, but keeping it in one place
// documents that everything here is Linux /proc reading.
const procRoot = "/proc"

// readRSS returns the resident set size of pid in KiB from
// /proc/<pid>/status, or nil when it cannot be read (no such process,
// another machine's server, not Linux): RSS is informative and never
// fails a run.
func readRSS(pid int) *int64 {
	if pid <= 0 {
		return nil
	}
	b, err := os.ReadFile(filepath.Join(procRoot, strconv.Itoa(pid), "status"))
	if err != nil {
		return nil
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmRSS:")); ok {
			f := strings.Fields(string(rest)) // "12345 kB"
			if len(f) >= 1 {
				if v, err := strconv.ParseInt(f[0], 10, 64); err == nil {
					return &v
				}
			}
		}
	}
	return nil
}

// FindListenerPID returns the process listening on the endpoint's port
// when the endpoint is on this machine (a loopback host), else 0. It finds
// the LISTEN socket's inode in /proc/net/tcp{,6}, then the process holding
// that socket among those whose fds this user may read.
func FindListenerPID(u *url.URL) int {
	if u == nil || !isLoopback(u.Hostname()) {
		return 0
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return 0
	}
	inodes := map[string]bool{}
	for _, f := range []string{"net/tcp", "net/tcp6"} {
		listenInodes(filepath.Join(procRoot, f), uint16(p), inodes)
	}
	if len(inodes) == 0 {
		return 0
	}
	return socketOwner(inodes)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// listenInodes adds the inodes of sockets in LISTEN state (0A) on port
// from one /proc/net/tcp-format file. Lines look like
// "0: 0100007F:2491 00000000:0000 0A ... uid timeout inode ...".
func listenInodes(path string, port uint16, into map[string]bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" {
			continue
		}
		_, hexPort, ok := strings.Cut(fields[1], ":")
		if p, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil && uint16(p) == port && fields[9] != "0" {
			into[fields[9]] = true
		}
	}
}

// socketOwner scans /proc/<pid>/fd for a link to "socket:[inode]". Only
// our own processes' fds are readable unless we are root, which suits a
// server started by the same user.
func socketOwner(inodes map[string]bool) int {
	procs, err := os.ReadDir(procRoot)
	if err != nil {
		return 0
	}
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fdDir := filepath.Join(procRoot, p.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			link, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil {
				continue
			}
			if inode, ok := strings.CutPrefix(link, "socket:["); ok && inodes[strings.TrimSuffix(inode, "]")] {
				return pid
			}
		}
	}
	return 0
}
