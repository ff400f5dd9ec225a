// A Go program for gccgo (tests/errors.test): writes DIR/ready and sleeps.
package main

import (
	"os"
	"time"
)

func main() {
	os.WriteFile(os.Args[1]+"/ready", nil, 0o644)
	time.Sleep(time.Hour)
}
