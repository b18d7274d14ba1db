package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// newFlagSet is a flag set for one command whose -h/--help prints the
// command's synopsis and, for every flag, its environment variable
// (USERPOOL_<NAME>) and default to out; help ends the command successfully
// (main exits 0 on flag.ErrHelp). Parse errors are not printed here: they
// are returned, and main prints them once, with a hint to -h.
func newFlagSet(name string, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() { printUsage(out, fs) }
	return fs
}

// printUsage writes one entry per flag:
//
//	--addr host:port   (USERPOOL_ADDR; default 127.0.0.1:9229)
//	    listen address
//
// Unlike flag.PrintDefaults it never takes a word of the help text for the
// value's name (a backquoted `userpool migrate` in a text used to be
// printed as one).
func printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s [flags]\n\nEvery flag can also be set with the environment variable named beside it; a flag on the command line wins.\n\nflags:\n", fs.Name())
	fs.VisitAll(func(f *flag.Flag) {
		value := valueName(f)
		line := "  --" + f.Name
		if value != "" {
			line += " " + value
		}
		meta := envName(f.Name)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
			meta += "; default " + f.DefValue
		}
		fmt.Fprintf(w, "%-34s (%s)\n      %s\n", line, meta, f.Usage)
	})
}

// valueName names a flag's value by its type ("" for a boolean).
func valueName(f *flag.Flag) string {
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return ""
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return "DURATION"
	case "*flag.intValue", "*flag.int64Value", "*flag.uintValue", "*flag.uint64Value":
		return "N"
	case "*flag.float64Value":
		return "NUMBER"
	}
	return "VALUE"
}

// envName is the environment variable that sets a flag.
func envName(flagName string) string {
	return "USERPOOL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}
