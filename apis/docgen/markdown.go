package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"

	"sigs.k8s.io/yaml"
)

// text escapes plain prose (an XRD description, a CEL message) for a Markdown table cell or paragraph:
// descriptions are Go doc comments, so every character is meant literally. Without this, "<domain>"
// would vanish as an HTML tag, "a|b" would split the cell, "*.domain ... /api/*" would turn italic and
// "[a](b)" would become a link, "$(a):$(b)" math and "~a~" struck through.
// Line breaks become spaces (the YAML wraps long lines); a blank line separates paragraphs.
func text(s string) string {
	paras := strings.Split(strings.TrimSpace(s), "\n\n")
	for i, p := range paras {
		paras[i] = escape(strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(paras, "<br><br>")
}

func escape(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i, c := range r {
		switch c {
		case '\\', '`', '*', '|', '$', '~':
			b.WriteRune('\\')
			b.WriteRune(c)
		case '(':
			// "[x](y)" would be a link; brackets alone are literal (there are no link definitions).
			if i > 0 && r[i-1] == ']' {
				b.WriteRune('\\')
			}
			b.WriteRune(c)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '_':
			// Inside a word (rds.force_ssl) an underscore is literal; at a word's edge it may open emphasis.
			if i > 0 && i < len(r)-1 && isWord(r[i-1]) && isWord(r[i+1]) {
				b.WriteRune(c)
			} else {
				b.WriteString(`\_`)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// code renders s as a code span usable inside a table cell: "|" is escaped (GitHub applies the table's
// pipe escape before inline parsing, so it shows as "|" even in code), the fence is longer than any run
// of backticks inside, and line breaks become spaces.
func code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || fence != "`" {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// value renders a JSON value (a default or an enum member) as it would be written in YAML: strings
// unquoted unless YAML would read them as something else ("1.35" is a number, "true" a boolean), so the
// reference shows where quotes are needed.
func value(raw []byte) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return code(string(raw))
	}
	if s, ok := v.(string); ok {
		if s == "" || retyped(s) {
			return code(fmt.Sprintf("%q", s))
		}
		return code(s)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return code(string(raw))
	}
	return code(b.String())
}

// retyped reports whether YAML would decode the unquoted string as something other than that string.
func retyped(s string) bool {
	var v any
	if err := yaml.Unmarshal([]byte("v: "+s), &v); err != nil {
		return true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return true
	}
	got, ok := m["v"].(string)
	return !ok || got != s
}

// slugger assigns GitHub's heading anchors: lower case, only letters, digits, '-' and '_' kept, spaces
// turned into '-', and "-1", "-2" appended to repeats.
type slugger map[string]int

func (s slugger) slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteRune('-')
		}
	}
	base := b.String()
	n := s[base]
	s[base] = n + 1
	if n == 0 {
		return base
	}
	return fmt.Sprintf("%s-%d", base, n)
}
