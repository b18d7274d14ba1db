package userpool

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestMessagesLiveInOneTable: every text a client can see is built in
// errors.go, so that one observed against real Cognito is corrected in one
// place. Any newErr call or Error literal elsewhere in the package (tests
// aside) fails this test.
func TestMessagesLiveInOneTable(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range files {
		if name == "errors.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "newErr" {
					t.Errorf("%s: a client-visible text is built outside errors.go", fset.Position(n.Pos()))
				}
			case *ast.CompositeLit:
				if id, ok := n.Type.(*ast.Ident); ok && id.Name == "Error" {
					t.Errorf("%s: an Error literal outside errors.go", fset.Position(n.Pos()))
				}
			}
			return true
		})
	}
	if checked < 20 {
		t.Fatalf("only %d files checked; the test would prove nothing", checked)
	}
}
