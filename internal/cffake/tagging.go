package cffake

import (
	"encoding/xml"
	"net/http"
	"strings"
)

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

type tagsBody struct {
	Items []tag `xml:"Items>Tag"`
}

type tagsDoc struct {
	XMLName xml.Name `xml:"Tags"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	Items   []tag    `xml:"Items>Tag"`
}

type tagKeysDoc struct {
	XMLName xml.Name `xml:"TagKeys"`
	Keys    []string `xml:"Items>Key"`
}

func validateTags(tags []tag) *apiError {
	if len(tags) > 50 {
		return errorf(http.StatusBadRequest, "InvalidTagging", "A resource can have at most 50 tags.")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 || strings.HasPrefix(t.Key, "aws:") {
			return errorf(http.StatusBadRequest, "InvalidTagging", "The tag %q is not valid.", t.Key)
		}
	}
	return nil
}

// mergeTags sets tags on top of existing ones, by key, keeping the order of
// first insertion.
func mergeTags(existing, tags []tag) []tag {
	out := append([]tag(nil), existing...)
	for _, t := range tags {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i].Value = t.Value
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// taggable reports whether arn names a resource that exists.
func (f *Fake) taggable(arn string) *apiError {
	for _, d := range f.dists {
		if d.arn == arn {
			return nil
		}
	}
	return errorf(http.StatusNotFound, "NoSuchResource", "The specified resource does not exist.")
}

func (f *Fake) listTags(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	arn := r.URL.Query().Get("Resource")
	if err := f.taggable(arn); err != nil {
		return nil, err
	}
	return &response{body: marshal(tagsDoc{Xmlns: Namespace, Items: f.tags[arn]})}, nil
}

func (f *Fake) tagOrUntag(r *http.Request, body []byte, _ []string) (*response, *apiError) {
	arn := r.URL.Query().Get("Resource")
	if err := f.taggable(arn); err != nil {
		return nil, err
	}
	if r.URL.Query().Get("Operation") == "Tag" {
		var doc tagsDoc
		if err := decode(body, &doc); err != nil {
			return nil, err
		}
		merged := mergeTags(f.tags[arn], doc.Items)
		if err := validateTags(merged); err != nil {
			return nil, err
		}
		f.tags[arn] = merged
		return &response{noBody: true}, nil
	}
	var doc tagKeysDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	var kept []tag
	for _, t := range f.tags[arn] {
		drop := false
		for _, k := range doc.Keys {
			if k == t.Key {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	f.tags[arn] = kept
	return &response{noBody: true}, nil
}
