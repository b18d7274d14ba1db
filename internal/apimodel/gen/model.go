package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// model is the subset of the botocore service description that matters for
// validation and routing.
type model struct {
	Metadata struct {
		APIVersion string `json:"apiVersion"`
	} `json:"metadata"`
	Operations map[string]operation `json:"operations"`
	Shapes     map[string]shape     `json:"shapes"`
}

type shapeRef struct {
	Shape string `json:"shape"`
}

type operation struct {
	Name     string     `json:"name"`
	Input    *shapeRef  `json:"input"`
	Errors   []shapeRef `json:"errors"`
	Authtype string     `json:"authtype"`
	Auth     []string   `json:"auth"`
}

// public reports whether the operation is called without SigV4. botocore
// carries the information twice (legacy `authtype` and Smithy `auth`); either
// marker is enough so that a model that only has one of them still works.
func (o operation) public() bool {
	return o.Authtype == "none" || slices.Contains(o.Auth, "smithy.api#noAuth")
}

type member struct {
	Name      string
	Shape     string `json:"shape"`
	Sensitive bool   `json:"sensitive"`
}

type shape struct {
	Type      string       `json:"type"`
	Required  []string     `json:"required"`
	Members   memberList   `json:"members"`
	Member    *shapeRef    `json:"member"`
	Key       *shapeRef    `json:"key"`
	Value     *shapeRef    `json:"value"`
	Min       *json.Number `json:"min"`
	Max       *json.Number `json:"max"`
	Pattern   *string      `json:"pattern"`
	Enum      []string     `json:"enum"`
	Sensitive bool         `json:"sensitive"`
	Document  bool         `json:"document"`
	keys      []string
}

// memberList keeps structure members in model order: Cognito reports
// violations in that order, and encoding/json maps would lose it.
type memberList []member

func (ml *memberList) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // '{'
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		name := tok.(string)
		for k := range raw {
			if !knownMemberKeys[k] {
				return fmt.Errorf("member %s: unsupported key %q", name, k)
			}
		}
		var m member
		if err := decodeRaw(raw, &m); err != nil {
			return err
		}
		m.Name = name
		*ml = append(*ml, m)
	}
	return nil
}

// Keys the generator understands. Anything else on a reachable shape or
// member fails generation, so a model update that adds a constraint (or a
// trait that changes parsing) is noticed instead of silently ignored.
var (
	knownShapeKeys = setOf("type", "required", "members", "member", "key", "value",
		"min", "max", "pattern", "enum", "sensitive", "document", "exception",
		"fault", "error", "documentation", "deprecated", "deprecatedMessage")
	knownMemberKeys = setOf("shape", "sensitive", "documentation", "box",
		"deprecated", "deprecatedMessage")
	knownTypes = setOf("structure", "string", "list", "map", "boolean",
		"integer", "long", "timestamp", "blob", "float", "double")
)

func setOf(keys ...string) map[string]bool {
	s := make(map[string]bool, len(keys))
	for _, k := range keys {
		s[k] = true
	}
	return s
}

func decodeRaw(raw map[string]json.RawMessage, v any) error {
	b, err := json.Marshal(raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func parseModel(data []byte) (*model, error) {
	var m model
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	var raw struct {
		Shapes map[string]map[string]json.RawMessage `json:"shapes"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, err
	}
	for name, s := range m.Shapes {
		for k := range raw.Shapes[name] {
			s.keys = append(s.keys, k)
		}
		m.Shapes[name] = s
	}
	if len(m.Operations) == 0 {
		return nil, fmt.Errorf("model has no operations")
	}
	return &m, nil
}

// reachable returns the names of every shape reachable from an operation
// input, sorted so that shape indices are stable across runs.
func (m *model) reachable() ([]string, error) {
	seen := map[string]bool{}
	var visit func(name string) error
	visit = func(name string) error {
		if seen[name] {
			return nil
		}
		s, ok := m.Shapes[name]
		if !ok {
			return fmt.Errorf("shape %s is referenced but not defined", name)
		}
		seen[name] = true
		if err := checkShape(name, s); err != nil {
			return err
		}
		for _, c := range s.children() {
			if err := visit(c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, op := range m.operations() {
		if op.Input == nil {
			return nil, fmt.Errorf("operation %s has no input shape", op.Name)
		}
		if err := visit(op.Input.Shape); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, nil
}

func (s shape) children() []string {
	var out []string
	for _, mem := range s.Members {
		out = append(out, mem.Shape)
	}
	for _, r := range []*shapeRef{s.Member, s.Key, s.Value} {
		if r != nil {
			out = append(out, r.Shape)
		}
	}
	return out
}

func checkShape(name string, s shape) error {
	for _, k := range s.keys {
		if !knownShapeKeys[k] {
			return fmt.Errorf("shape %s: unsupported key %q", name, k)
		}
	}
	if !knownTypes[s.Type] {
		return fmt.Errorf("shape %s: unsupported type %q", name, s.Type)
	}
	if (s.Type == "float" || s.Type == "double") && (s.Min != nil || s.Max != nil) {
		// Java prints such bounds as doubles ("1.0"); not needed yet.
		return fmt.Errorf("shape %s: range on %s is not supported", name, s.Type)
	}
	for _, r := range s.Required {
		if !slices.ContainsFunc(s.Members, func(m member) bool { return m.Name == r }) {
			return fmt.Errorf("shape %s: required member %s does not exist", name, r)
		}
	}
	return nil
}

// operations returns the operations sorted by name.
func (m *model) operations() []operation {
	ops := make([]operation, 0, len(m.Operations))
	for name, op := range m.Operations {
		if op.Name == "" {
			op.Name = name
		}
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return ops
}

// allPatterns returns every distinct pattern in the model, reachable from
// an input or not, sorted.
func (m *model) allPatterns() []string {
	set := map[string]bool{}
	for _, s := range m.Shapes {
		if s.Pattern != nil {
			set[*s.Pattern] = true
		}
	}
	out := make([]string, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
