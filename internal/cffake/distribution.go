package cffake

import (
	"bytes"
	"encoding/xml"
	"maps"
	"net/http"
	"strings"
	"time"
)

// Managed policies every account can reference. CloudFront refuses a cache
// behavior naming a policy that does not exist; the fake knows the managed
// ones (IDs from the CloudFront developer guide, "Use managed policies").
var (
	managedCachePolicies = map[string]bool{
		"658327ea-f89d-4fab-a63d-7e88639e58f6": true, // CachingOptimized
		"4135ea2d-6df8-44a3-9df3-4b5a84be39ad": true, // CachingDisabled
		"b2884449-e4de-46a7-ac36-70bc7f1ddd6d": true, // CachingOptimizedForUncompressedObjects
		"08627262-05a9-4f76-9ded-b50ca2e3a84f": true, // Elemental-MediaPackage
		"83da9c7e-98b4-4e11-a168-04f0df8e2c65": true, // UseOriginCacheControlHeaders
	}
	managedOriginRequestPolicies = map[string]bool{
		"b689b0a8-53d0-40ab-baf2-68738e2966ac": true, // AllViewerExceptHostHeader
		"216adef6-5c7f-47e4-b989-5492eafa07d3": true, // AllViewer
		"88a5eaf4-2fd4-4709-b370-b4c650ea3fcf": true, // CORS-S3Origin
		"59781a5b-3903-41f3-afcb-af62929ccde1": true, // CORS-CustomOrigin
		"acba4595-bd28-49b8-b9fe-13317c0390fa": true, // UserAgentRefererHeaders
	}
	managedResponseHeadersPolicies = map[string]bool{
		"67f7725c-6f97-4210-82d7-5512b31e9d03": true, // SecurityHeadersPolicy
		"e61eb60c-9c35-4d20-a928-2b84e02af89c": true, // CORS-and-SecurityHeadersPolicy
		"eaab4381-ed33-4a86-88ca-d9558dc6cd63": true, // CORS-With-Preflight-and-SecurityHeadersPolicy
		"60669652-455b-4ae9-85a4-c4c02393f86c": true, // SimpleCORS
		"5cc3b908-e619-4b99-88e5-2cf7f45965bd": true, // CORS-With-Preflight
	}
	viewerProtocolPolicies = map[string]bool{"allow-all": true, "https-only": true, "redirect-to-https": true}
	httpVersions           = map[string]bool{"http1.1": true, "http2": true, "http3": true, "http2and3": true}
	minimumProtocols       = map[string]bool{
		"SSLv3": true, "TLSv1": true, "TLSv1_2016": true, "TLSv1.1_2016": true, "TLSv1.2_2018": true,
		"TLSv1.2_2019": true, "TLSv1.2_2021": true, "TLSv1.2_2025": true, "TLSv1.3_2025": true,
	}
)

type originView struct {
	ID                    string `xml:"Id"`
	DomainName            string `xml:"DomainName"`
	OriginAccessControlID string `xml:"OriginAccessControlId"`
	S3OriginConfig        *struct {
		OriginAccessIdentity string `xml:"OriginAccessIdentity"`
	} `xml:"S3OriginConfig"`
	CustomOriginConfig *struct{} `xml:"CustomOriginConfig"`
}

type cacheBehaviorView struct {
	PathPattern             string    `xml:"PathPattern"`
	TargetOriginID          string    `xml:"TargetOriginId"`
	ViewerProtocolPolicy    string    `xml:"ViewerProtocolPolicy"`
	CachePolicyID           string    `xml:"CachePolicyId"`
	OriginRequestPolicyID   string    `xml:"OriginRequestPolicyId"`
	ResponseHeadersPolicyID string    `xml:"ResponseHeadersPolicyId"`
	ForwardedValues         *struct{} `xml:"ForwardedValues"`
	TrustedKeyGroups        *struct {
		Enabled bool     `xml:"Enabled"`
		Items   []string `xml:"Items>KeyGroup"`
	} `xml:"TrustedKeyGroups"`
}

// distView is the part of a DistributionConfig the fake interprets; the
// configuration itself is stored verbatim.
type distView struct {
	CallerReference *string `xml:"CallerReference"`
	Comment         *string `xml:"Comment"`
	Enabled         *bool   `xml:"Enabled"`
	HTTPVersion     string  `xml:"HttpVersion"`
	Origins         *struct {
		Items []originView `xml:"Items>Origin"`
	} `xml:"Origins"`
	// OriginGroups are failover pairs of origins; a cache behavior may
	// target a group's Id instead of an origin's.
	OriginGroups struct {
		Items []struct {
			ID      string   `xml:"Id"`
			Members []string `xml:"Members>Items>OriginGroupMember>OriginId"`
		} `xml:"Items>OriginGroup"`
	} `xml:"OriginGroups"`
	DefaultCacheBehavior *cacheBehaviorView `xml:"DefaultCacheBehavior"`
	CacheBehaviors       struct {
		Items []cacheBehaviorView `xml:"Items>CacheBehavior"`
	} `xml:"CacheBehaviors"`
	ViewerCertificate *struct {
		CloudFrontDefaultCertificate bool   `xml:"CloudFrontDefaultCertificate"`
		ACMCertificateArn            string `xml:"ACMCertificateArn"`
		IAMCertificateID             string `xml:"IAMCertificateId"`
		SSLSupportMethod             string `xml:"SSLSupportMethod"`
		MinimumProtocolVersion       string `xml:"MinimumProtocolVersion"`
	} `xml:"ViewerCertificate"`
}

type distribution struct {
	id           string
	arn          string
	domain       string
	etag         string
	created      uint64
	lastModified time.Time
	deployAt     time.Time
	inner        []byte // DistributionConfig inner XML, as sent
	elements     []element
	view         distView
}

func (d *distribution) usesOAC(id string) bool {
	for _, o := range d.view.Origins.Items {
		if o.OriginAccessControlID == id {
			return true
		}
	}
	return false
}

func (d *distribution) usesOAI(id string) bool {
	for _, o := range d.view.Origins.Items {
		if o.S3OriginConfig != nil && o.S3OriginConfig.OriginAccessIdentity != "" &&
			oaiIDFromOrigin(o.S3OriginConfig.OriginAccessIdentity) == id {
			return true
		}
	}
	return false
}

func (f *Fake) status(d *distribution) string {
	if d.deployAt.IsZero() || !f.opts.Now().Before(d.deployAt) {
		return "Deployed"
	}
	return "InProgress"
}

// parseDistributionConfig validates a DistributionConfig's inner XML the way
// CloudFront does for the fields the fake understands.
func (f *Fake) parseDistributionConfig(inner []byte) (*distView, []element, *apiError) {
	wrapped := append(append([]byte("<DistributionConfig>"), inner...), "</DistributionConfig>"...)
	var v distView
	if err := decode(wrapped, &v); err != nil {
		return nil, nil, err
	}
	var tree node
	if err := xml.Unmarshal(wrapped, &tree); err != nil {
		return nil, nil, errorf(http.StatusBadRequest, "MalformedInput", "%v", err)
	}
	if err := checkQuantities(&tree, "DistributionConfig"); err != nil {
		return nil, nil, err
	}
	elems, err := splitElements(inner)
	if err != nil {
		return nil, nil, errorf(http.StatusBadRequest, "MalformedInput", "%v", err)
	}
	switch {
	case v.CallerReference == nil || *v.CallerReference == "":
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "CallerReference is required.")
	case v.Comment == nil:
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "Comment is required.")
	case v.Enabled == nil:
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "Enabled is required.")
	case v.Origins == nil || len(v.Origins.Items) == 0:
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "At least one origin is required.")
	case v.DefaultCacheBehavior == nil:
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "DefaultCacheBehavior is required.")
	case v.HTTPVersion != "" && !httpVersions[v.HTTPVersion]:
		return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "HttpVersion %q is not valid.", v.HTTPVersion)
	}
	origins := map[string]bool{}
	for _, o := range v.Origins.Items {
		if aerr := f.checkOrigin(&o); aerr != nil {
			return nil, nil, aerr
		}
		if origins[o.ID] {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "Origin Id %q is used more than once.", o.ID)
		}
		origins[o.ID] = true
	}
	targets := maps.Clone(origins)
	for _, g := range v.OriginGroups.Items {
		if g.ID == "" || targets[g.ID] {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidArgument", "Origin group Id %q is empty or already used.", g.ID)
		}
		for _, m := range g.Members {
			if !origins[m] {
				return nil, nil, errorf(http.StatusNotFound, "NoSuchOrigin", "No origin exists with the specified Origin Id %q.", m)
			}
		}
		targets[g.ID] = true
	}
	behaviors := append([]cacheBehaviorView{*v.DefaultCacheBehavior}, v.CacheBehaviors.Items...)
	for _, b := range behaviors {
		if aerr := checkBehavior(&b, targets); aerr != nil {
			return nil, nil, aerr
		}
		if b.TrustedKeyGroups != nil {
			for _, id := range b.TrustedKeyGroups.Items {
				if _, ok := f.keyGroups[id]; !ok {
					return nil, nil, errorf(http.StatusBadRequest, "TrustedKeyGroupDoesNotExist", "The specified key group does not exist.")
				}
			}
		}
	}
	if vc := v.ViewerCertificate; vc != nil {
		if vc.MinimumProtocolVersion != "" && !minimumProtocols[vc.MinimumProtocolVersion] {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidMinimumProtocolVersion", "MinimumProtocolVersion %q is not valid.", vc.MinimumProtocolVersion)
		}
		if vc.ACMCertificateArn != "" && vc.SSLSupportMethod == "" {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidViewerCertificate", "SSLSupportMethod is required with ACMCertificateArn.")
		}
		if vc.CloudFrontDefaultCertificate && (vc.ACMCertificateArn != "" || vc.IAMCertificateID != "") {
			return nil, nil, errorf(http.StatusBadRequest, "InvalidViewerCertificate", "CloudFrontDefaultCertificate cannot be combined with a custom certificate.")
		}
	}
	return &v, elems, nil
}

func (f *Fake) checkOrigin(o *originView) *apiError {
	if o.ID == "" || o.DomainName == "" {
		return errorf(http.StatusBadRequest, "InvalidOrigin", "Origin Id and DomainName are required.")
	}
	if o.S3OriginConfig != nil && o.CustomOriginConfig != nil {
		return errorf(http.StatusBadRequest, "InvalidOrigin", "Origin %q has both S3OriginConfig and CustomOriginConfig.", o.ID)
	}
	oaiValue := ""
	if o.S3OriginConfig != nil {
		oaiValue = o.S3OriginConfig.OriginAccessIdentity
	}
	if o.OriginAccessControlID != "" {
		if oaiValue != "" {
			return errorf(http.StatusBadRequest, "IllegalOriginAccessConfiguration",
				"An origin cannot contain both an origin access control (OAC) and an origin access identity (OAI).")
		}
		if _, err := f.lookupOAC(o.OriginAccessControlID); err != nil {
			return err
		}
	}
	if oaiValue != "" {
		id, ok := strings.CutPrefix(oaiValue, OAIOriginPrefix)
		if !ok {
			return errorf(http.StatusBadRequest, "InvalidOriginAccessIdentity", "The origin access identity is not valid or doesn't exist.")
		}
		if _, ok := f.oais[id]; !ok {
			return errorf(http.StatusBadRequest, "InvalidOriginAccessIdentity", "The origin access identity is not valid or doesn't exist.")
		}
	}
	return nil
}

func checkBehavior(b *cacheBehaviorView, targets map[string]bool) *apiError {
	switch {
	case !targets[b.TargetOriginID]:
		return errorf(http.StatusNotFound, "NoSuchOrigin", "No origin exists with the specified Origin Id %q.", b.TargetOriginID)
	case !viewerProtocolPolicies[b.ViewerProtocolPolicy]:
		return errorf(http.StatusBadRequest, "InvalidArgument", "ViewerProtocolPolicy %q is not valid.", b.ViewerProtocolPolicy)
	case b.CachePolicyID == "" && b.ForwardedValues == nil:
		return errorf(http.StatusBadRequest, "InvalidArgument", "The parameter ForwardedValues is required.")
	case b.CachePolicyID != "" && !managedCachePolicies[b.CachePolicyID]:
		return errorf(http.StatusNotFound, "NoSuchCachePolicy", "The cache policy does not exist.")
	case b.OriginRequestPolicyID != "" && !managedOriginRequestPolicies[b.OriginRequestPolicyID]:
		return errorf(http.StatusNotFound, "NoSuchOriginRequestPolicy", "The origin request policy does not exist.")
	case b.ResponseHeadersPolicyID != "" && !managedResponseHeadersPolicies[b.ResponseHeadersPolicyID]:
		return errorf(http.StatusNotFound, "NoSuchResponseHeadersPolicy", "The response headers policy does not exist.")
	}
	return nil
}

// distDoc is the Distribution response shape.
type distDoc struct {
	XMLName          xml.Name `xml:"Distribution"`
	Xmlns            string   `xml:"xmlns,attr"`
	ID               string   `xml:"Id"`
	ARN              string   `xml:"ARN"`
	Status           string   `xml:"Status"`
	LastModifiedTime string   `xml:"LastModifiedTime"`
	InProgress       int      `xml:"InProgressInvalidationBatches"`
	DomainName       string   `xml:"DomainName"`
	Signers          struct {
		Enabled  bool `xml:"Enabled"`
		Quantity int  `xml:"Quantity"`
	} `xml:"ActiveTrustedSigners"`
	KeyGroups struct {
		Enabled  bool `xml:"Enabled"`
		Quantity int  `xml:"Quantity"`
	} `xml:"ActiveTrustedKeyGroups"`
	Config rawXML `xml:"DistributionConfig"`
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (f *Fake) distResponse(d *distribution, status int, justWritten bool) *response {
	st := f.status(d)
	if justWritten {
		st = "InProgress"
	}
	doc := distDoc{
		Xmlns: Namespace, ID: d.id, ARN: d.arn, Status: st, LastModifiedTime: timestamp(d.lastModified),
		DomainName: d.domain, Config: rawXML{Inner: d.inner},
	}
	return &response{status: status, etag: d.etag, body: marshal(doc)}
}

type distConfigDoc struct {
	XMLName xml.Name `xml:"DistributionConfig"`
	Inner   []byte   `xml:",innerxml"`
}

type distConfigWithTagsDoc struct {
	XMLName xml.Name `xml:"DistributionConfigWithTags"`
	Config  *rawXML  `xml:"DistributionConfig"`
	Tags    tagsBody `xml:"Tags"`
}

func (f *Fake) createDistribution(_ *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc distConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	return f.create(doc.Inner, nil)
}

func (f *Fake) createDistributionWithTags(_ *http.Request, body []byte, _ []string) (*response, *apiError) {
	var doc distConfigWithTagsDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	if doc.Config == nil {
		return nil, errorf(http.StatusBadRequest, "InvalidArgument", "DistributionConfig is required.")
	}
	tags := doc.Tags.Items
	if err := validateTags(tags); err != nil {
		return nil, err
	}
	return f.create(doc.Config.Inner, tags)
}

func (f *Fake) create(inner []byte, tags []tag) (*response, *apiError) {
	inner = bytes.Clone(inner)
	v, elems, aerr := f.parseDistributionConfig(inner)
	if aerr != nil {
		return nil, aerr
	}
	for _, d := range f.dists {
		if *d.view.CallerReference == *v.CallerReference {
			return nil, errorf(http.StatusConflict, "DistributionAlreadyExists",
				"The caller reference that you are using to create a distribution is associated with another distribution. Already exists: %s", d.id)
		}
	}
	now := f.opts.Now()
	d := &distribution{
		id: f.newID(), etag: f.newETag(), lastModified: now, deployAt: now.Add(f.opts.DeployDelay),
		inner: inner, elements: elems, view: *v,
	}
	d.created = f.seq
	d.arn = "arn:" + f.opts.Partition + ":cloudfront::" + f.opts.AccountID + ":distribution/" + d.id
	d.domain = "d" + strings.ToLower(f.newID()[1:]) + ".cloudfront.net"
	f.dists[d.id] = d
	if len(tags) > 0 {
		f.tags[d.arn] = mergeTags(nil, tags)
	}
	resp := f.distResponse(d, http.StatusCreated, true)
	resp.loc = location("distribution", d.id)
	return resp, nil
}

func (f *Fake) lookupDist(id string) (*distribution, *apiError) {
	return lookup(f.dists, id, "NoSuchDistribution", "The specified distribution does not exist.")
}

func (f *Fake) getDistribution(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	d, err := f.lookupDist(ids[0])
	if err != nil {
		return nil, err
	}
	return f.distResponse(d, 0, false), nil
}

func (f *Fake) getDistributionConfig(_ *http.Request, _ []byte, ids []string) (*response, *apiError) {
	d, err := f.lookupDist(ids[0])
	if err != nil {
		return nil, err
	}
	body := append([]byte(`<DistributionConfig xmlns="`+Namespace+`">`), d.inner...)
	body = append(body, "</DistributionConfig>"...)
	return &response{etag: d.etag, body: body}, nil
}

func (f *Fake) updateDistribution(r *http.Request, body []byte, ids []string) (*response, *apiError) {
	d, err := f.lookupDist(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, d.etag); err != nil {
		return nil, err
	}
	var doc distConfigDoc
	if err := decode(body, &doc); err != nil {
		return nil, err
	}
	inner := bytes.Clone(doc.Inner)
	v, elems, aerr := f.parseDistributionConfig(inner)
	if aerr != nil {
		return nil, aerr
	}
	if *v.CallerReference != *d.view.CallerReference {
		return nil, errorf(http.StatusBadRequest, "IllegalUpdate",
			"The update contains modifications that are not allowed: CallerReference cannot be changed.")
	}
	now := f.opts.Now()
	d.inner, d.elements, d.view = inner, elems, *v
	d.etag = f.newETag()
	d.lastModified = now
	d.deployAt = now.Add(f.opts.DeployDelay)
	return f.distResponse(d, 0, true), nil
}

func (f *Fake) deleteDistribution(r *http.Request, _ []byte, ids []string) (*response, *apiError) {
	d, err := f.lookupDist(ids[0])
	if err != nil {
		return nil, err
	}
	if err := checkIfMatch(r, d.etag); err != nil {
		return nil, err
	}
	if *d.view.Enabled || f.status(d) != "Deployed" {
		return nil, errorf(http.StatusConflict, "DistributionNotDisabled",
			"The distribution you are trying to delete has not been disabled.")
	}
	delete(f.dists, d.id)
	delete(f.tags, d.arn)
	return &response{noBody: true}, nil
}

// summaryElements are the DistributionConfig members a DistributionSummary
// carries, in CloudFront's order, with the value CloudFront reports when the
// configuration leaves them out.
var summaryElements = []struct{ name, dflt string }{
	{"Aliases", "<Aliases><Quantity>0</Quantity></Aliases>"},
	{"Origins", ""},
	{"OriginGroups", "<OriginGroups><Quantity>0</Quantity></OriginGroups>"},
	{"DefaultCacheBehavior", ""},
	{"CacheBehaviors", "<CacheBehaviors><Quantity>0</Quantity></CacheBehaviors>"},
	{"CustomErrorResponses", "<CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>"},
	{"Comment", ""},
	{"PriceClass", "<PriceClass>PriceClass_All</PriceClass>"},
	{"Enabled", ""},
	{"ViewerCertificate", "<ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate><MinimumProtocolVersion>TLSv1</MinimumProtocolVersion><CertificateSource>cloudfront</CertificateSource></ViewerCertificate>"},
	{"Restrictions", "<Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions>"},
	{"WebACLId", "<WebACLId></WebACLId>"},
	{"HttpVersion", "<HttpVersion>http2</HttpVersion>"},
	{"IsIPV6Enabled", "<IsIPV6Enabled>false</IsIPV6Enabled>"},
	{"Staging", "<Staging>false</Staging>"},
}

func (f *Fake) summary(d *distribution) []byte {
	var b bytes.Buffer
	b.WriteString("<DistributionSummary><Id>" + d.id + "</Id><ARN>" + d.arn + "</ARN><ETag>" + d.etag +
		"</ETag><Status>" + f.status(d) + "</Status><LastModifiedTime>" + timestamp(d.lastModified) +
		"</LastModifiedTime><DomainName>" + d.domain + "</DomainName>")
	for _, s := range summaryElements {
		found := false
		for _, e := range d.elements {
			if e.name == s.name {
				b.Write(e.raw)
				found = true
				break
			}
		}
		if !found {
			b.WriteString(s.dflt)
		}
	}
	b.WriteString("</DistributionSummary>")
	return b.Bytes()
}

type distListDoc struct {
	XMLName xml.Name `xml:"DistributionList"`
	Xmlns   string   `xml:"xmlns,attr"`
	listHeader
	Items *rawXML `xml:"Items,omitempty"`
}

func (f *Fake) listDistributions(r *http.Request, _ []byte, _ []string) (*response, *apiError) {
	page, hdr, err := listPage(r, f.sortedDistIDs())
	if err != nil {
		return nil, err
	}
	doc := distListDoc{Xmlns: Namespace, listHeader: hdr}
	if len(page) > 0 {
		var items []byte
		for _, id := range page {
			items = append(items, f.summary(f.dists[id])...)
		}
		doc.Items = &rawXML{Inner: items}
	}
	return &response{body: marshal(doc)}, nil
}
