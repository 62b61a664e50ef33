package cffake

import (
	"encoding/xml"
	"net/http"
)

type oacConfig struct {
	Name                          string `xml:"Name"`
	Description                   string `xml:"Description"`
	SigningProtocol               string `xml:"SigningProtocol"`
	SigningBehavior               string `xml:"SigningBehavior"`
	OriginAccessControlOriginType string `xml:"OriginAccessControlOriginType"`
}

type oac struct {
	id      string
	etag    string
	created uint64
	config  oacConfig
}

type oacConfigDoc struct {
	XMLName xml.Name `xml:"OriginAccessControlConfig"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	oacConfig
}

type oacDoc struct {
	XMLName xml.Name  `xml:"OriginAccessControl"`
	Xmlns   string    `xml:"xmlns,attr"`
	ID      string    `xml:"Id"`
	Config  oacConfig `xml:"OriginAccessControlConfig"`
}

type oacSummary struct {
	ID string `xml:"Id"`
	oacConfig
}

type oacListDoc struct {
	XMLName xml.Name `xml:"OriginAccessControlList"`
	Xmlns   string   `xml:"xmlns,attr"`
	listHeader
	Items []oacSummary `xml:"Items>OriginAccessControlSummary"`
}

var (
	oacProtocols = map[string]bool{"sigv4": true, "sigv4a": true}
	oacBehaviors = map[string]bool{"never": true, "always": true, "no-override": true}
	oacTypes     = map[string]bool{"s3": true, "mediastore": true, "mediapackagev2": true, "lambda": true}
)

func validateOACConfig(c *oacConfig) *apiError {
	switch {
	case c.Name == "" || len(c.Name) > 64:
		return errorf(http.StatusBadRequest, "InvalidArgument", "Name must be 1 to 64 characters")
	case !oacProtocols[c.SigningProtocol]:
		return errorf(http.StatusBadRequest, "InvalidArgument", "SigningProtocol %q is not valid", c.SigningProtocol)
	case !oacBehaviors[c.SigningBehavior]:
		return errorf(http.StatusBadRequest, "InvalidArgument", "SigningBehavior %q is not valid", c.SigningBehavior)
	case !oacTypes[c.OriginAccessControlOriginType]:
		return errorf(http.StatusBadRequest, "InvalidArgument", "OriginAccessControlOriginType %q is not valid", c.OriginAccessControlOriginType)
	}
	return nil
}

func (f *Fake) oacNameTaken(name, except string) bool {
	for id, o := range f.oacs {
		if id != except && o.config.Name == name {
			return true
		}
	}
	return false
}

func (f *Fake) oacResponse(o *oac, status int) *response {
	return &response{
		status: status,
		etag:   o.etag,
		body:   marshal(oacDoc{Xmlns: Namespace, ID: o.id, Config: o.config}),
	}
}

func (f *Fake) createOAC(r *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc oacConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	if err := validateOACConfig(&doc.oacConfig); err != nil {
		return nil, err
	}
	if f.oacNameTaken(doc.Name, "") {
		return nil, errorf(http.StatusConflict, "OriginAccessControlAlreadyExists",
			"An origin access control with the same name already exists.")
	}
	o := &oac{id: f.newID(), etag: f.newETag(), config: doc.oacConfig}
	o.created = f.seq
	f.oacs[o.id] = o
	resp := f.oacResponse(o, http.StatusCreated)
	resp.loc = location("origin-access-control", o.id)
	return resp, nil
}

func (f *Fake) lookupOAC(id string) (*oac, *apiError) {
	return lookup(f.oacs, id, "NoSuchOriginAccessControl", "The origin access control does not exist.")
}

func (f *Fake) getOAC(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAC(ids[0])
	if err != nil {
		return nil, err
	}
	return f.oacResponse(o, 0), nil
}

func (f *Fake) getOACConfig(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAC(ids[0])
	if err != nil {
		return nil, err
	}
	return &response{etag: o.etag, body: marshal(oacConfigDoc{Xmlns: Namespace, oacConfig: o.config})}, nil
}

func (f *Fake) updateOAC(r *http.Request, body []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAC(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, o.etag); err != nil {
		return nil, err
	}
	var doc oacConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	if err := validateOACConfig(&doc.oacConfig); err != nil {
		return nil, err
	}
	if f.oacNameTaken(doc.Name, o.id) {
		return nil, errorf(http.StatusConflict, "OriginAccessControlAlreadyExists",
			"An origin access control with the same name already exists.")
	}
	o.config = doc.oacConfig
	o.etag = f.newETag()
	return f.oacResponse(o, 0), nil
}

func (f *Fake) deleteOAC(r *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAC(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, o.etag); err != nil {
		return nil, err
	}
	for _, d := range f.dists {
		if d.usesOAC(o.id) {
			return nil, errorf(http.StatusConflict, "OriginAccessControlInUse",
				"Cannot delete this origin access control because it's in use by one or more origins.")
		}
	}
	delete(f.oacs, o.id)
	return &response{noBody: true}, nil
}

func (f *Fake) listOACs(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	page, hdr, err := listPage(r, byCreation(f.oacs, func(o *oac) uint64 { return o.created }))
	if err != nil {
		return nil, err
	}
	doc := oacListDoc{Xmlns: Namespace, listHeader: hdr}
	for _, id := range page {
		o := f.oacs[id]
		doc.Items = append(doc.Items, oacSummary{ID: o.id, oacConfig: o.config})
	}
	return &response{body: marshal(doc)}, nil
}
