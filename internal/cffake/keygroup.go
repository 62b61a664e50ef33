package cffake

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"encoding/xml"
	"net/http"
	"strings"
	"time"
)

type publicKeyConfig struct {
	CallerReference string `xml:"CallerReference"`
	Name            string `xml:"Name"`
	EncodedKey      string `xml:"EncodedKey"`
	Comment         string `xml:"Comment,omitempty"`
}

type publicKey struct {
	id      string
	etag    string
	seq     uint64 // the fake's sequence number at creation, for listing order
	created time.Time
	config  publicKeyConfig
}

type publicKeyConfigDoc struct {
	XMLName xml.Name `xml:"PublicKeyConfig"`
	publicKeyConfig
}

type publicKeyDoc struct {
	XMLName     xml.Name        `xml:"PublicKey"`
	Xmlns       string          `xml:"xmlns,attr"`
	ID          string          `xml:"Id"`
	CreatedTime string          `xml:"CreatedTime"`
	Config      publicKeyConfig `xml:"PublicKeyConfig"`
}

type keyGroupConfig struct {
	Name    string   `xml:"Name"`
	Items   []string `xml:"Items>PublicKey"`
	Comment string   `xml:"Comment,omitempty"`
}

type keyGroup struct {
	id       string
	etag     string
	seq      uint64 // the fake's sequence number at creation, for listing order
	modified time.Time
	config   keyGroupConfig
}

type keyGroupConfigDoc struct {
	XMLName xml.Name `xml:"KeyGroupConfig"`
	keyGroupConfig
}

type keyGroupDoc struct {
	XMLName          xml.Name       `xml:"KeyGroup"`
	Xmlns            string         `xml:"xmlns,attr"`
	ID               string         `xml:"Id"`
	LastModifiedTime string         `xml:"LastModifiedTime"`
	Config           keyGroupConfig `xml:"KeyGroupConfig"`
}

// checkEncodedKey accepts what CloudFront accepts for signed URLs: a PEM
// public key, RSA 2048 or ECDSA P-256.
func checkEncodedKey(encoded string) *apiError {
	block, _ := pem.Decode([]byte(strings.TrimSpace(encoded)))
	if block == nil || block.Type != "PUBLIC KEY" {
		return errorf(http.StatusBadRequest, "InvalidArgument", "EncodedKey must be a PEM-encoded public key.")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return errorf(http.StatusBadRequest, "InvalidArgument", "EncodedKey is not a valid public key.")
	}
	switch k := k.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() != 2048 {
			return errorf(http.StatusBadRequest, "InvalidArgument", "RSA public keys must be 2048 bits.")
		}
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return errorf(http.StatusBadRequest, "InvalidArgument", "ECDSA public keys must use P-256.")
		}
	default:
		return errorf(http.StatusBadRequest, "InvalidArgument", "Unsupported public key type.")
	}
	return nil
}

func (f *Fake) createPublicKey(_ *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc publicKeyConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	c := doc.publicKeyConfig
	if c.CallerReference == "" || c.Name == "" || len(c.Name) > 128 {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "CallerReference and Name (up to 128 characters) are required.")
	}
	if err := checkEncodedKey(c.EncodedKey); err != nil {
		return nil, err
	}
	// The API reference promises no answer to a repeated request: the
	// CallerReference is "a string included in the request to help make
	// sure that the request can't be replayed", so a repeat (identical or
	// not) is refused, as a key of the same name is: "The specified public
	// key already exists." (PublicKeyAlreadyExists).
	for _, k := range f.publicKeys {
		if k.config.CallerReference == c.CallerReference || k.config.Name == c.Name {
			return nil, errorf(http.StatusConflict, "PublicKeyAlreadyExists", "The specified public key already exists.")
		}
	}
	k := &publicKey{id: "K" + f.newID()[1:], etag: f.newETag(), seq: f.seq, created: f.opts.Now(), config: c}
	f.publicKeys[k.id] = k
	resp := f.publicKeyResponse(k, http.StatusCreated)
	resp.loc = location("public-key", k.id)
	return resp, nil
}

func (f *Fake) publicKeyResponse(k *publicKey, status int) *response {
	return &response{status: status, etag: k.etag, body: marshal(publicKeyDoc{
		Xmlns: Namespace, ID: k.id, CreatedTime: timestamp(k.created), Config: k.config,
	})}
}

func (f *Fake) getPublicKey(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	k, err := lookup(f.publicKeys, ids[0], "NoSuchPublicKey", "The specified public key does not exist.")
	if err != nil {
		return nil, err
	}
	return f.publicKeyResponse(k, 0), nil
}

func (f *Fake) createKeyGroup(_ *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc keyGroupConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	c := doc.keyGroupConfig
	switch {
	case c.Name == "" || len(c.Name) > 128:
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Name (up to 128 characters) is required.")
	case len(c.Items) == 0:
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "A key group needs at least one public key.")
	case len(c.Items) > 5:
		return nil, errorf(http.StatusBadRequest, "TooManyPublicKeysInKeyGroup", "A key group can contain at most 5 public keys.")
	}
	for _, id := range c.Items {
		if _, ok := f.publicKeys[id]; !ok {
			return nil, errorf(http.StatusBadRequest, "InvalidArgument", "Public key %s does not exist.", id)
		}
	}
	for _, g := range f.keyGroups {
		if g.config.Name == c.Name {
			return nil, errorf(http.StatusConflict, "KeyGroupAlreadyExists", "A key group with this name already exists.")
		}
	}
	g := &keyGroup{id: f.newID(), etag: f.newETag(), seq: f.seq, modified: f.opts.Now(), config: c}
	f.keyGroups[g.id] = g
	resp := f.keyGroupResponse(g, http.StatusCreated)
	resp.loc = location("key-group", g.id)
	return resp, nil
}

func (f *Fake) keyGroupResponse(g *keyGroup, status int) *response {
	return &response{status: status, etag: g.etag, body: marshal(keyGroupDoc{
		Xmlns: Namespace, ID: g.id, LastModifiedTime: timestamp(g.modified), Config: g.config,
	})}
}

func (f *Fake) getKeyGroup(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	g, err := lookup(f.keyGroups, ids[0], "NoSuchResource", "The specified key group does not exist.")
	if err != nil {
		return nil, err
	}
	return f.keyGroupResponse(g, 0), nil
}

// shortListHeader is the paging part of the public key and key group
// lists, which (unlike the distribution and OAC lists) carry no Marker and
// no IsTruncated.
type shortListHeader struct {
	NextMarker string `xml:"NextMarker,omitempty"`
	MaxItems   int    `xml:"MaxItems"`
	Quantity   int    `xml:"Quantity"`
}

type publicKeySummary struct {
	ID          string `xml:"Id"`
	Name        string `xml:"Name"`
	CreatedTime string `xml:"CreatedTime"`
	EncodedKey  string `xml:"EncodedKey"`
	Comment     string `xml:"Comment,omitempty"`
}

type publicKeyListDoc struct {
	XMLName xml.Name `xml:"PublicKeyList"`
	Xmlns   string   `xml:"xmlns,attr"`
	shortListHeader
	Items []publicKeySummary `xml:"Items>PublicKeySummary"`
}

func (f *Fake) listPublicKeys(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	page, hdr, err := listPage(r, byCreation(f.publicKeys, func(k *publicKey) uint64 { return k.seq }))
	if err != nil {
		return nil, err
	}
	doc := publicKeyListDoc{Xmlns: Namespace, shortListHeader: shortListHeader{NextMarker: hdr.NextMarker, MaxItems: hdr.MaxItems, Quantity: hdr.Quantity}}
	for _, id := range page {
		k := f.publicKeys[id]
		doc.Items = append(doc.Items, publicKeySummary{ID: k.id, Name: k.config.Name, CreatedTime: timestamp(k.created), EncodedKey: k.config.EncodedKey, Comment: k.config.Comment})
	}
	return &response{body: marshal(doc)}, nil
}

type keyGroupListDoc struct {
	XMLName xml.Name `xml:"KeyGroupList"`
	Xmlns   string   `xml:"xmlns,attr"`
	shortListHeader
	Items []keyGroupSummary `xml:"Items>KeyGroupSummary"`
}

// keyGroupSummary is one item of the key group list: the key group, as
// GetKeyGroup answers it, in its own KeyGroupSummary element.
type keyGroupSummary struct {
	KeyGroup struct {
		ID               string         `xml:"Id"`
		LastModifiedTime string         `xml:"LastModifiedTime"`
		Config           keyGroupConfig `xml:"KeyGroupConfig"`
	} `xml:"KeyGroup"`
}

func (f *Fake) listKeyGroups(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	page, hdr, err := listPage(r, byCreation(f.keyGroups, func(g *keyGroup) uint64 { return g.seq }))
	if err != nil {
		return nil, err
	}
	doc := keyGroupListDoc{Xmlns: Namespace, shortListHeader: shortListHeader{NextMarker: hdr.NextMarker, MaxItems: hdr.MaxItems, Quantity: hdr.Quantity}}
	for _, id := range page {
		g := f.keyGroups[id]
		var item keyGroupSummary
		item.KeyGroup.ID, item.KeyGroup.LastModifiedTime, item.KeyGroup.Config = g.id, timestamp(g.modified), g.config
		doc.Items = append(doc.Items, item)
	}
	return &response{body: marshal(doc)}, nil
}
