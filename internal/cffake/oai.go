package cffake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"strings"
)

// OAIOriginPrefix is how an origin names a legacy origin access identity in
// S3OriginConfig.OriginAccessIdentity.
const OAIOriginPrefix = "origin-access-identity/cloudfront/"

type oaiConfig struct {
	CallerReference string `xml:"CallerReference"`
	Comment         string `xml:"Comment"`
}

type oai struct {
	id          string
	etag        string
	created     uint64
	canonicalID string
	config      oaiConfig
	// original is the configuration the identity was created with: a
	// repeated create is compared with it, not with the configuration an
	// update made since.
	original oaiConfig
}

type oaiConfigDoc struct {
	XMLName xml.Name `xml:"CloudFrontOriginAccessIdentityConfig"`
	Xmlns   string   `xml:"xmlns,attr,omitempty"`
	oaiConfig
}

type oaiDoc struct {
	XMLName     xml.Name  `xml:"CloudFrontOriginAccessIdentity"`
	Xmlns       string    `xml:"xmlns,attr"`
	ID          string    `xml:"Id"`
	CanonicalID string    `xml:"S3CanonicalUserId"`
	Config      oaiConfig `xml:"CloudFrontOriginAccessIdentityConfig"`
}

type oaiSummary struct {
	ID          string `xml:"Id"`
	CanonicalID string `xml:"S3CanonicalUserId"`
	Comment     string `xml:"Comment"`
}

type oaiListDoc struct {
	XMLName xml.Name `xml:"CloudFrontOriginAccessIdentityList"`
	Xmlns   string   `xml:"xmlns,attr"`
	listHeader
	Items []oaiSummary `xml:"Items>CloudFrontOriginAccessIdentitySummary"`
}

func (f *Fake) oaiResponse(o *oai, status int) *response {
	return &response{status: status, etag: o.etag, body: marshal(oaiDoc{
		Xmlns: Namespace, ID: o.id, CanonicalID: o.canonicalID, Config: o.config,
	})}
}

func validateOAIConfig(c *oaiConfig) *apiError {
	if c.CallerReference == "" {
		return errorf(http.StatusBadRequest, "InvalidArgument", "CallerReference is required")
	}
	if len(c.Comment) > 128 {
		return errorf(http.StatusBadRequest, "InvalidArgument", "Comment is longer than 128 characters")
	}
	return nil
}

func (f *Fake) createOAI(_ *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc oaiConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	if err := validateOAIConfig(&doc.oaiConfig); err != nil {
		return nil, err
	}
	for _, o := range f.oais {
		if o.config.CallerReference == doc.CallerReference {
			if o.original == doc.oaiConfig {
				// "If the CallerReference is a value already sent in a
				// previous identity request, and the content of the
				// CloudFrontOriginAccessIdentityConfig is identical to the
				// original request (ignoring white space), the response
				// includes the same information returned to the original
				// request." (API reference,
				// CloudFrontOriginAccessIdentityConfig). The identity is
				// answered as it is now.
				return f.oaiResponse(o, http.StatusCreated), nil
			}
			return nil, errorf(http.StatusConflict, "CloudFrontOriginAccessIdentityAlreadyExists",
				"If the CallerReference is a value you already sent in a previous request to create an identity but the content of the CloudFrontOriginAccessIdentityConfig is different from the original request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists error.")
		}
	}
	o := &oai{id: f.newID(), etag: f.newETag(), config: doc.oaiConfig, original: doc.oaiConfig}
	o.created = f.seq
	sum := sha256.Sum256([]byte(f.opts.AccountID + "/" + o.id))
	o.canonicalID = hex.EncodeToString(sum[:]) + hex.EncodeToString(sum[:16])
	f.oais[o.id] = o
	resp := f.oaiResponse(o, http.StatusCreated)
	resp.loc = location("origin-access-identity/cloudfront", o.id)
	return resp, nil
}

func (f *Fake) lookupOAI(id string) (*oai, *apiError) {
	return lookup(f.oais, id, "NoSuchCloudFrontOriginAccessIdentity", "The specified origin access identity does not exist.")
}

func (f *Fake) getOAI(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAI(ids[0])
	if err != nil {
		return nil, err
	}
	return f.oaiResponse(o, 0), nil
}

func (f *Fake) getOAIConfig(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAI(ids[0])
	if err != nil {
		return nil, err
	}
	return &response{etag: o.etag, body: marshal(oaiConfigDoc{Xmlns: Namespace, oaiConfig: o.config})}, nil
}

func (f *Fake) updateOAI(r *http.Request, body []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAI(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, o.etag); err != nil {
		return nil, err
	}
	var doc oaiConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	if err := validateOAIConfig(&doc.oaiConfig); err != nil {
		return nil, err
	}
	if doc.CallerReference != o.config.CallerReference {
		return nil, errorf(http.StatusBadRequest, "IllegalUpdate", "The update contains modifications that are not allowed: CallerReference cannot change.")
	}
	o.config = doc.oaiConfig
	o.etag = f.newETag()
	return f.oaiResponse(o, 0), nil
}

func (f *Fake) deleteOAI(r *http.Request, _ []byte, ids []string) (*response, *apiError) {
	o, err := f.lookupOAI(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, o.etag); err != nil {
		return nil, err
	}
	for _, d := range f.dists {
		if d.usesOAI(o.id) {
			return nil, errorf(http.StatusConflict, "CloudFrontOriginAccessIdentityInUse",
				"The Origin Access Identity specified is already in use.")
		}
	}
	delete(f.oais, o.id)
	return &response{noBody: true}, nil
}

func (f *Fake) listOAIs(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	page, hdr, err := listPage(r, byCreation(f.oais, func(o *oai) uint64 { return o.created }))
	if err != nil {
		return nil, err
	}
	doc := oaiListDoc{Xmlns: Namespace, listHeader: hdr}
	for _, id := range page {
		o := f.oais[id]
		doc.Items = append(doc.Items, oaiSummary{ID: o.id, CanonicalID: o.canonicalID, Comment: o.config.Comment})
	}
	return &response{body: marshal(doc)}, nil
}

// oaiIDFromOrigin returns the OAI id an S3 origin names, or "".
func oaiIDFromOrigin(v string) string {
	return strings.TrimPrefix(v, OAIOriginPrefix)
}
