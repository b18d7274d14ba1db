// Command gen turns the Cognito user pools API model (botocore's
// cognito-idp service-2.json, gzipped or plain) into model_gen.go: the
// operation table and the input shapes that request validation and routing
// need. Documentation text is dropped on purpose; the generated file only
// carries what changes the server's behaviour.
//
// Usage (normally through `go generate ./internal/apimodel`):
//
//	go run ./gen [-model path] [-out model_gen.go]
//	go run ./gen -list-patterns   # every model pattern, one per line
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
)

// defaultModel is where botocore 1.43.11 installs the model on the
// development machines. The generated file is checked in, so builds never
// read it; only regeneration and the determinism test do.
const defaultModel = "/root/.pyenv/versions/3.11.7/lib/python3.11/site-packages/botocore/data/cognito-idp/2016-04-18/service-2.json.gz"

func main() {
	modelPath := flag.String("model", defaultModel, "botocore cognito-idp service-2.json (gzipped or plain)")
	out := flag.String("out", "model_gen.go", "output Go file")
	listPatterns := flag.Bool("list-patterns", false, "print every distinct pattern in the model, one per line, and exit")
	flag.Parse()
	if err := run(*modelPath, *out, *listPatterns); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(modelPath, out string, listPatterns bool) error {
	raw, err := readModel(modelPath)
	if err != nil {
		return err
	}
	m, err := parseModel(raw)
	if err != nil {
		return err
	}
	if listPatterns {
		for _, p := range m.allPatterns() {
			fmt.Println(p)
		}
		return nil
	}
	src, err := generate(m, raw)
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// readModel returns the model JSON, transparently gunzipping it: botocore
// ships it compressed, but a plain copy is accepted as well.
func readModel(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
		return data, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	plain, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return plain, nil
}
