package s3fake

import (
	"encoding/xml"
	"net/http"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// Group URIs S3 uses in ACL grants.
const (
	AllUsersURI           = "http://acs.amazonaws.com/groups/global/AllUsers"
	AuthenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	LogDeliveryURI        = "http://acs.amazonaws.com/groups/s3/LogDelivery"
)

// ACL permissions.
const (
	PermFullControl = "FULL_CONTROL"
	PermRead        = "READ"
	PermWrite       = "WRITE"
	PermReadACP     = "READ_ACP"
	PermWriteACP    = "WRITE_ACP"
)

// Grantee types.
const (
	GranteeCanonicalUser = "CanonicalUser"
	GranteeGroup         = "Group"
	GranteeEmail         = "AmazonCustomerByEmail"
)

// Grant is one ACL grant.
type Grant struct {
	// GranteeType is GranteeCanonicalUser, GranteeGroup or GranteeEmail.
	GranteeType string
	// ID (canonical user), URI (group) or EmailAddress, by GranteeType.
	ID           string
	URI          string
	EmailAddress string
	Permission   string
}

// ACL is an access control list: the owner's canonical ID and the grants.
type ACL struct {
	OwnerID string
	Grants  []Grant
}

// PolicyGrants returns the ACL's grants as package policy reads them
// (canonical user and group grants; e-mail grants carry no canonical id
// and are left out).
func (a ACL) PolicyGrants() []policy.ACLGrant { return aclGrants(&a) }

// IsPublic reports whether the ACL grants anything to AllUsers or
// AuthenticatedUsers, which is S3's definition of a public ACL; a group URI
// is read by policy.IsPublicGrantee (any case, http or https), the rule the
// policy authorizer applies to the same grants.
func (a ACL) IsPublic() bool {
	for _, g := range a.Grants {
		if g.GranteeType == GranteeGroup && policy.IsPublicGrantee(g.URI) {
			return true
		}
	}
	return false
}

// onlyOwner reports whether every grant is to the owner itself.
func (a ACL) onlyOwner() bool {
	for _, g := range a.Grants {
		if g.GranteeType != GranteeCanonicalUser || g.ID != a.OwnerID {
			return false
		}
	}
	return true
}

func privateACL(ownerID string) ACL {
	return ACL{OwnerID: ownerID, Grants: []Grant{{GranteeType: GranteeCanonicalUser, ID: ownerID, Permission: PermFullControl}}}
}

// cannedACL expands a canned ACL. bucketOwnerID is used by the
// bucket-owner-* ACLs on objects.
func cannedACL(name, ownerID, bucketOwnerID string) (ACL, bool) {
	a := privateACL(ownerID)
	group := func(uri, perm string) Grant { return Grant{GranteeType: GranteeGroup, URI: uri, Permission: perm} }
	switch name {
	case "private":
	case "public-read":
		a.Grants = append(a.Grants, group(AllUsersURI, PermRead))
	case "public-read-write":
		a.Grants = append(a.Grants, group(AllUsersURI, PermRead), group(AllUsersURI, PermWrite))
	case "authenticated-read":
		a.Grants = append(a.Grants, group(AuthenticatedUsersURI, PermRead))
	case "aws-exec-read":
		a.Grants = append(a.Grants, Grant{GranteeType: GranteeCanonicalUser, ID: CanonicalUserID("aws-exec"), Permission: PermRead})
	case "log-delivery-write":
		a.Grants = append(a.Grants, group(LogDeliveryURI, PermWrite), group(LogDeliveryURI, PermReadACP))
	case "bucket-owner-read":
		if bucketOwnerID != ownerID {
			a.Grants = append(a.Grants, Grant{GranteeType: GranteeCanonicalUser, ID: bucketOwnerID, Permission: PermRead})
		}
	case "bucket-owner-full-control":
		if bucketOwnerID != ownerID {
			a.Grants = append(a.Grants, Grant{GranteeType: GranteeCanonicalUser, ID: bucketOwnerID, Permission: PermFullControl})
		}
	default:
		return ACL{}, false
	}
	return a, true
}

var grantHeaders = []struct{ header, perm string }{
	{"X-Amz-Grant-Full-Control", PermFullControl},
	{"X-Amz-Grant-Read", PermRead},
	{"X-Amz-Grant-Write", PermWrite},
	{"X-Amz-Grant-Read-Acp", PermReadACP},
	{"X-Amz-Grant-Write-Acp", PermWriteACP},
}

func hasGrantHeaders(h http.Header) bool {
	for _, g := range grantHeaders {
		if h.Get(g.header) != "" {
			return true
		}
	}
	return false
}

// aclFromHeaders reads x-amz-acl or the x-amz-grant-* headers. It returns
// ok=false when neither is present.
func aclFromHeaders(h http.Header, ownerID, bucketOwnerID string) (acl ACL, ok bool, e *Error) {
	canned := h.Get("X-Amz-Acl")
	grants := hasGrantHeaders(h)
	switch {
	case canned != "" && grants:
		return ACL{}, false, errf(http.StatusBadRequest, "InvalidRequest", "Specifying both Canned ACLs and Header Grants is not allowed")
	case canned != "":
		a, known := cannedACL(canned, ownerID, bucketOwnerID)
		if !known {
			return ACL{}, false, errInvalidArgument("", "x-amz-acl", canned)
		}
		return a, true, nil
	case !grants:
		return ACL{}, false, nil
	}
	a := ACL{OwnerID: ownerID}
	for _, gh := range grantHeaders {
		v := h.Get(gh.header)
		if v == "" {
			continue
		}
		for _, part := range strings.Split(v, ",") {
			k, val, found := strings.Cut(strings.TrimSpace(part), "=")
			if !found {
				return ACL{}, false, errInvalidArgument("Invalid grant header", strings.ToLower(gh.header), v)
			}
			val = strings.Trim(strings.TrimSpace(val), `"`)
			g := Grant{Permission: gh.perm}
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "id":
				g.GranteeType, g.ID = GranteeCanonicalUser, val
			case "uri":
				g.GranteeType, g.URI = GranteeGroup, val
			case "emailaddress":
				g.GranteeType, g.EmailAddress = GranteeEmail, val
			default:
				return ACL{}, false, errInvalidArgument("Invalid grant header", strings.ToLower(gh.header), v)
			}
			a.Grants = append(a.Grants, g)
		}
	}
	return a, true, nil
}

type xmlACP struct {
	XMLName xml.Name `xml:"AccessControlPolicy"`
	Owner   *struct {
		ID string `xml:"ID"`
	} `xml:"Owner"`
	Grants []struct {
		Grantee struct {
			Type         string `xml:"type,attr"`
			ID           string `xml:"ID"`
			URI          string `xml:"URI"`
			EmailAddress string `xml:"EmailAddress"`
		} `xml:"Grantee"`
		Permission string `xml:"Permission"`
	} `xml:"AccessControlList>Grant"`
}

func validPerm(p string) bool {
	switch p {
	case PermFullControl, PermRead, PermWrite, PermReadACP, PermWriteACP:
		return true
	}
	return false
}

// aclFromXML parses an AccessControlPolicy body.
func aclFromXML(body []byte, ownerID string) (ACL, *Error) {
	var in xmlACP
	if err := xml.Unmarshal(body, &in); err != nil {
		return ACL{}, errMalformedXML()
	}
	if in.Owner == nil || in.Owner.ID == "" {
		return ACL{}, errMalformedXML()
	}
	if in.Owner.ID != ownerID {
		return ACL{}, errAccessDenied()
	}
	a := ACL{OwnerID: ownerID}
	for _, g := range in.Grants {
		if !validPerm(g.Permission) {
			return ACL{}, errMalformedXML()
		}
		out := Grant{GranteeType: g.Grantee.Type, Permission: g.Permission}
		switch g.Grantee.Type {
		case GranteeCanonicalUser:
			out.ID = g.Grantee.ID
		case GranteeGroup:
			out.URI = g.Grantee.URI
		case GranteeEmail:
			out.EmailAddress = g.Grantee.EmailAddress
		default:
			return ACL{}, errMalformedXML()
		}
		a.Grants = append(a.Grants, out)
	}
	return a, nil
}

func escapeXML(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// aclXML renders an AccessControlPolicy as S3 does.
func aclXML(a ACL) []byte {
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>`)
	b.WriteString(escapeXML(a.OwnerID))
	b.WriteString(`</ID></Owner><AccessControlList>`)
	for _, g := range a.Grants {
		b.WriteString(`<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="`)
		b.WriteString(g.GranteeType)
		b.WriteString(`">`)
		switch g.GranteeType {
		case GranteeCanonicalUser:
			b.WriteString("<ID>" + escapeXML(g.ID) + "</ID>")
		case GranteeGroup:
			b.WriteString("<URI>" + escapeXML(g.URI) + "</URI>")
		case GranteeEmail:
			b.WriteString("<EmailAddress>" + escapeXML(g.EmailAddress) + "</EmailAddress>")
		}
		b.WriteString("</Grantee><Permission>" + g.Permission + "</Permission></Grant>")
	}
	b.WriteString(`</AccessControlList></AccessControlPolicy>`)
	return []byte(b.String())
}
