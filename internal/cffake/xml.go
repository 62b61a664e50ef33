package cffake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// marshal renders v as the body of a response, with CloudFront's namespace on
// the root element. v's root must have an `XMLName` and an `Xmlns string
// `xml:"xmlns,attr"“ field, which marshal fills in.
func marshal(v any) []byte {
	b, err := xml.Marshal(v)
	if err != nil {
		// Only our own fixed types are marshalled: a failure is a bug.
		panic("cffake: marshal: " + err.Error())
	}
	return b
}

// decode parses a request body into v, by element name in any order.
func decode(body []byte, v any) *apiError {
	if len(bytes.TrimSpace(body)) == 0 {
		return errorf(http.StatusBadRequest, "MissingBody", "This operation requires a body. Ensure that the body is present and the Content-Type header is set.")
	}
	if err := xml.Unmarshal(body, v); err != nil {
		return errorf(http.StatusBadRequest, "MalformedInput", "The XML document you provided was not well-formed or did not validate: %v", err)
	}
	return nil
}

// element is one top-level child of a stored XML document, kept verbatim.
type element struct {
	name string
	raw  []byte // the whole element, tags included
}

// splitElements returns the top-level elements of inner (the inner XML of a
// document root) verbatim, so the fake can store a configuration exactly as
// the client sent it and re-emit any subset of it.
func splitElements(inner []byte) ([]element, error) {
	dec := xml.NewDecoder(bytes.NewReader(inner))
	var out []element
	depth := 0
	var start int64
	var name string
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			if depth == 0 && errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				start, name = off, t.Name.Local
			}
			depth++
		case xml.EndElement:
			depth--
			if depth == 0 {
				out = append(out, element{name: name, raw: inner[start:dec.InputOffset()]})
			}
		}
	}
}

// node is a generic XML tree, used for structural checks.
type node struct {
	XMLName  xml.Name
	Children []node `xml:",any"`
	Text     string `xml:",chardata"`
}

func (n *node) child(name string) *node {
	for i := range n.Children {
		if n.Children[i].XMLName.Local == name {
			return &n.Children[i]
		}
	}
	return nil
}

// checkQuantities enforces CloudFront's rule that a list's Quantity equals the
// number of its Items, everywhere in the tree.
func checkQuantities(n *node, path string) *apiError {
	if q := n.child("Quantity"); q != nil {
		want, err := strconv.Atoi(strings.TrimSpace(q.Text))
		if err != nil || want < 0 {
			return errorf(http.StatusBadRequest, "InvalidArgument", "%s/Quantity is not a non-negative integer", path)
		}
		got := 0
		if items := n.child("Items"); items != nil {
			got = len(items.Children)
		}
		if got != want {
			return errorf(http.StatusBadRequest, "InconsistentQuantities",
				"The value of Quantity and the size of Items don't match (%s: Quantity %d, %d items).", path, want, got)
		}
	}
	for i := range n.Children {
		c := &n.Children[i]
		if err := checkQuantities(c, path+"/"+c.XMLName.Local); err != nil {
			return err
		}
	}
	return nil
}

// listPage applies CloudFront's Marker/MaxItems paging, from the request's
// query, to ordered ids: the page and the list response's paging part.
func listPage(r *http.Request, ids []string) ([]string, listHeader, *apiError) {
	q := r.URL.Query()
	marker := q.Get("Marker")
	page, next, limit, err := paginate(ids, marker, q.Get("MaxItems"))
	if err != nil {
		return nil, listHeader{}, err
	}
	return page, listHeader{Marker: marker, NextMarker: next, MaxItems: limit, IsTruncated: next != "", Quantity: len(page)}, nil
}

// paginate applies CloudFront's Marker/MaxItems paging to ordered ids. The
// marker is the first id of the page, as returned in NextMarker.
func paginate(ids []string, marker, maxItems string) (page []string, next string, limit int, aerr *apiError) {
	limit = 100
	if maxItems != "" {
		n, err := strconv.Atoi(maxItems)
		if err != nil || n < 0 {
			return nil, "", 0, errorf(http.StatusBadRequest, "InvalidArgument", "MaxItems must be a non-negative integer")
		}
		limit = n
	}
	startIdx := 0
	if marker != "" {
		startIdx = len(ids)
		for i, id := range ids {
			if id == marker {
				startIdx = i
				break
			}
		}
	}
	end := min(startIdx+limit, len(ids))
	page = ids[startIdx:end]
	if end < len(ids) {
		next = ids[end]
	}
	return page, next, limit, nil
}

// listHeader is the paging part of every CloudFront list response.
type listHeader struct {
	Marker      string `xml:"Marker"`
	NextMarker  string `xml:"NextMarker,omitempty"`
	MaxItems    int    `xml:"MaxItems"`
	IsTruncated bool   `xml:"IsTruncated"`
	Quantity    int    `xml:"Quantity"`
}

// rawXML is pre-rendered XML embedded in a marshalled document.
type rawXML struct {
	Inner []byte `xml:",innerxml"`
}
