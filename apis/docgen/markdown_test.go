package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestText(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   string
	}{
		"Placeholders": {
			reason: "<domain> would be swallowed as an HTML tag",
			in:     "https://api.<domain>/health",
			want:   "https://api.&lt;domain&gt;/health",
		},
		"Pipes": {
			reason: "a pipe would end the table cell",
			in:     "a|b",
			want:   `a\|b`,
		},
		"Stars": {
			reason: "two stars would turn the text between them italic",
			in:     "*.example.com and /api/*",
			want:   `\*.example.com and /api/\*`,
		},
		"UnderscoreInsideWord": {
			reason: "an underscore inside a word cannot open emphasis and stays readable",
			in:     "rds.force_ssl",
			want:   "rds.force_ssl",
		},
		"UnderscoreAtEdge": {
			reason: "an underscore at a word's edge could open emphasis",
			in:     "'_' or _x_",
			want:   `'\_' or \_x\_`,
		},
		"BracketsThenParenthesis": {
			reason: "[a](b) would be a link; brackets alone are literal",
			in:     "spec.applications[].route and [a](b)",
			want:   `spec.applications[].route and [a]\(b)`,
		},
		"Wrapped": {
			reason: "the YAML wraps descriptions; a blank line separates paragraphs",
			in:     "one\ntwo  three\n\nfour\n",
			want:   "one two three<br><br>four",
		},
		"MathAndStrike": {
			reason: "GitHub renders $...$ as math and ~...~ as strikethrough",
			in:     "arn:$(partition):x:$(region) ~a~",
			want:   `arn:\$(partition):x:\$(region) \~a\~`,
		},
		"Backticks": {
			reason: "descriptions are plain text: a backtick is literal",
			in:     "a `b` c & d",
			want:   "a \\`b\\` c &amp; d",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, text(tc.in)); diff != "" {
				t.Errorf("%s\ntext(%q): -want +got:\n%s", tc.reason, tc.in, diff)
			}
		})
	}
}

func TestCode(t *testing.T) {
	cases := map[string]struct {
		reason string
		in     string
		want   string
	}{
		"Plain":    {reason: "a plain value", in: "prod", want: "`prod`"},
		"Pipe":     {reason: "a pipe inside a table cell must be escaped even in code", in: "(a|b)", want: "`(a\\|b)`"},
		"Backtick": {reason: "a backtick inside needs a longer fence", in: "a`b", want: "`` a`b ``"},
		"Newline":  {reason: "a multi-line CEL rule stays on one row", in: "a ||\n  b", want: "`a \\|\\| b`"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, code(tc.in)); diff != "" {
				t.Errorf("%s\ncode(%q): -want +got:\n%s", tc.reason, tc.in, diff)
			}
		})
	}
}

func TestValue(t *testing.T) {
	cases := map[string]struct {
		reason string
		raw    string
		want   string
	}{
		"String":        {reason: "a string YAML reads as a string needs no quotes", raw: `"prod"`, want: "`prod`"},
		"NumericString": {reason: `"1.35" unquoted in YAML is a number, which the schema refuses`, raw: `"1.35"`, want: "`\"1.35\"`"},
		"BoolString":    {reason: `"true" unquoted is a boolean`, raw: `"true"`, want: "`\"true\"`"},
		"EmptyString":   {reason: "an empty string must be visible", raw: `""`, want: "`\"\"`"},
		"Number":        {reason: "numbers as they are", raw: `7`, want: "`7`"},
		"Object":        {reason: "objects compact, keys sorted", raw: `{"kind": "ProviderConfig", "name": "default"}`, want: "`{\"kind\":\"ProviderConfig\",\"name\":\"default\"}`"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, value([]byte(tc.raw))); diff != "" {
				t.Errorf("%s\nvalue(%s): -want +got:\n%s", tc.reason, tc.raw, diff)
			}
		})
	}
}

func TestSlugger(t *testing.T) {
	cases := map[string]struct {
		reason   string
		headings []string
		want     []string
	}{
		"GitHub": {
			reason:   "GitHub drops punctuation (dots, brackets, backticks) and lower-cases",
			headings: []string{"`spec.applications[].route`", "How to read the tables"},
			want:     []string{"specapplicationsroute", "how-to-read-the-tables"},
		},
		"Repeats": {
			reason:   "a repeated heading gets -1, -2",
			headings: []string{"spec", "spec", "spec"},
			want:     []string{"spec", "spec-1", "spec-2"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			s := slugger{}
			var got []string
			for _, h := range tc.headings {
				got = append(got, s.slug(h))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%s\n-want +got:\n%s", tc.reason, diff)
			}
		})
	}
}
