package apimodel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// CheckGoType reports whether t, the Go type an operation decodes its input
// into with encoding/json, names its fields exactly as the model names the
// members of the operation's input shape, at every depth, with compatible
// kinds. A field whose JSON name differs from the model's only in case would
// still be filled by encoding/json (it matches names case-insensitively), so
// such drift must fail a test rather than pass silently.
func (op *Operation) CheckGoType(t reflect.Type) error {
	return checkGoType(t, op.input, op.Name)
}

var rawMessage = reflect.TypeFor[json.RawMessage]()

func checkGoType(t reflect.Type, id int32, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	sh := &shapes[id]
	if sh.document || t.Kind() == reflect.Interface || t == rawMessage {
		return nil // raw JSON: whatever the canonical value is
	}
	want := map[shapeType][]reflect.Kind{
		typeStructure: {reflect.Struct},
		typeList:      {reflect.Slice},
		typeMap:       {reflect.Map},
		typeString:    {reflect.String},
		typeBoolean:   {reflect.Bool},
		typeInteger:   {reflect.Int, reflect.Int32, reflect.Int64},
		typeLong:      {reflect.Int64},
		typeFloat:     {reflect.Float32, reflect.Float64},
		typeDouble:    {reflect.Float64},
		typeTimestamp: {reflect.Float64, reflect.Int64},
		typeBlob:      {reflect.Slice},
	}[sh.typ]
	if !kindIn(t.Kind(), want) {
		return fmt.Errorf("%s: Go kind %s for model shape %s", path, t.Kind(), sh.name)
	}
	switch sh.typ {
	case typeStructure:
		return checkStruct(t, sh, path)
	case typeList:
		return checkGoType(t.Elem(), sh.elem, path+"[]")
	case typeMap:
		if t.Key().Kind() != reflect.String {
			return fmt.Errorf("%s: map key kind %s", path, t.Key().Kind())
		}
		return checkGoType(t.Elem(), sh.elem, path+"{}")
	}
	return nil
}

// checkStruct matches every JSON-visible field of t (embedded structs are
// flattened, as encoding/json does) to a member of sh by exact name.
func checkStruct(t reflect.Type, sh *shape, path string) error {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			if err := checkStruct(f.Type, sh, path); err != nil {
				return err
			}
			continue
		}
		if name == "" {
			name = f.Name
		}
		m := sh.memberIndex([]byte(name))
		if m < 0 {
			// A field the model does not have at all is never filled (a
			// shared Go struct may carry one); one that differs only in
			// case would be.
			for _, mm := range sh.members {
				if strings.EqualFold(mm.name, name) {
					return fmt.Errorf("%s.%s: JSON name %q differs from the model's member %q only in case", path, f.Name, name, mm.name)
				}
			}
			continue
		}
		if err := checkGoType(f.Type, sh.members[m].target, path+"."+name); err != nil {
			return err
		}
	}
	return nil
}

func kindIn(k reflect.Kind, kinds []reflect.Kind) bool {
	for _, w := range kinds {
		if k == w {
			return true
		}
	}
	return false
}
