package iamfake

import (
	"encoding/xml"
	"net/http"
	"sort"
	"strings"
)

// policyStore holds identity policies: inline policies of users and roles,
// customer managed policies (one version each) and their attachments.
type policyStore struct {
	inline   map[string]map[string]string // "user/NAME" or "role/NAME" -> policy name -> document
	attached map[string][]string          // "user/NAME" or "role/NAME" -> policy ARNs, in attachment order
	managed  map[string]string            // policy ARN -> document (version v1)
}

func (s *Server) store() *policyStore {
	if s.policies == nil {
		s.policies = &policyStore{inline: map[string]map[string]string{}, attached: map[string][]string{}, managed: map[string]string{}}
	}
	return s.policies
}

// PutRolePolicy sets an inline policy of a role (the role exists from its
// first policy on).
func (s *Server) PutRolePolicy(role, name, document string) {
	s.putInline("role/"+role, name, document)
}

// PutUserPolicy sets an inline policy of a user.
func (s *Server) PutUserPolicy(user, name, document string) {
	s.putInline("user/"+user, name, document)
}

func (s *Server) putInline(owner, name, document string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.store()
	if st.inline[owner] == nil {
		st.inline[owner] = map[string]string{}
	}
	st.inline[owner][name] = document
}

// CreatePolicy makes a customer managed policy (its default version is v1)
// and returns its ARN.
func (s *Server) CreatePolicy(name, document string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	arn := s.arnPrefix + "policy/" + name
	s.store().managed[arn] = document
	return arn
}

// AttachRolePolicy attaches a managed policy to a role.
func (s *Server) AttachRolePolicy(role, policyARN string) { s.attach("role/"+role, policyARN) }

// AttachUserPolicy attaches a managed policy to a user.
func (s *Server) AttachUserPolicy(user, policyARN string) { s.attach("user/"+user, policyARN) }

func (s *Server) attach(owner, arn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.store()
	st.attached[owner] = append(st.attached[owner], arn)
	if st.inline[owner] == nil {
		st.inline[owner] = map[string]string{}
	}
}

// policyAction serves the identity-policy read operations; ok is false for
// any other action. s.mu is held.
//
// Policy documents are returned URL-encoded, as IAM returns them (IAM API
// reference, GetRolePolicy: "The policy document returned in this structure
// is URL-encoded compliant with RFC 3986").
func (s *Server) policyAction(action string, r *http.Request) (result any, e *apiErr, ok bool) {
	st := s.store()
	form := r.PostForm
	owner := func(kind string) (string, *apiErr) {
		name := form.Get(map[string]string{"role": "RoleName", "user": "UserName"}[kind])
		key := kind + "/" + name
		_, hasInline := st.inline[key]
		_, isUser := s.users[name]
		if name == "" || (!hasInline && !(kind == "user" && isUser) && !(kind == "role" && s.hasRole(name))) {
			return "", &apiErr{404, "NoSuchEntity", "The " + kind + " with name " + name + " cannot be found.", true}
		}
		return key, nil
	}
	switch action {
	case "ListRolePolicies", "ListUserPolicies":
		kind := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(action, "List"), "Policies"))
		key, e := owner(kind)
		if e != nil {
			return nil, e, true
		}
		names := make([]string, 0, len(st.inline[key]))
		for n := range st.inline[key] {
			names = append(names, n)
		}
		sort.Strings(names)
		start, end, next, e := s.paginate(r, len(names))
		if e != nil {
			return nil, e, true
		}
		return listPolicyNames{XMLName: xml.Name{Local: action + "Result"}, Names: append([]string{}, names[start:end]...), IsTruncated: next != "", Marker: next}, nil, true
	case "GetRolePolicy", "GetUserPolicy":
		kind := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(action, "Get"), "Policy"))
		key, e := owner(kind)
		if e != nil {
			return nil, e, true
		}
		name := form.Get("PolicyName")
		doc, found := st.inline[key][name]
		if !found {
			return nil, &apiErr{404, "NoSuchEntity", "The " + kind + " policy with name " + name + " cannot be found.", true}, true
		}
		res := getInline{XMLName: xml.Name{Local: action + "Result"}, PolicyName: name, PolicyDocument: escapeRFC3986(doc)}
		if kind == "role" {
			res.RoleName = key[len("role/"):]
		} else {
			res.UserName = key[len("user/"):]
		}
		return res, nil, true
	case "ListAttachedRolePolicies", "ListAttachedUserPolicies":
		kind := strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(action, "ListAttached"), "Policies"))
		key, e := owner(kind)
		if e != nil {
			return nil, e, true
		}
		arns := st.attached[key]
		start, end, next, e := s.paginate(r, len(arns))
		if e != nil {
			return nil, e, true
		}
		res := listAttached{XMLName: xml.Name{Local: action + "Result"}, Policies: []attachedPolicy{}, IsTruncated: next != "", Marker: next}
		for _, arn := range arns[start:end] {
			res.Policies = append(res.Policies, attachedPolicy{Name: arn[strings.LastIndexByte(arn, '/')+1:], ARN: arn})
		}
		return res, nil, true
	case "GetPolicy":
		arn := form.Get("PolicyArn")
		if _, found := st.managed[arn]; !found {
			return nil, &apiErr{404, "NoSuchEntity", "Policy " + arn + " does not exist or is not attachable.", true}, true
		}
		res := getPolicy{}
		res.Policy.Name, res.Policy.ARN, res.Policy.DefaultVersionID = arn[strings.LastIndexByte(arn, '/')+1:], arn, "v1"
		return res, nil, true
	case "GetPolicyVersion":
		arn := form.Get("PolicyArn")
		doc, found := st.managed[arn]
		if !found || form.Get("VersionId") != "v1" {
			return nil, &apiErr{404, "NoSuchEntity", "Policy " + arn + " version " + form.Get("VersionId") + " does not exist.", true}, true
		}
		res := getPolicyVersion{}
		res.Version.Document, res.Version.VersionID, res.Version.IsDefault = escapeRFC3986(doc), "v1", true
		return res, nil, true
	}
	return nil, nil, false
}

// escapeRFC3986 percent-encodes every byte but the unreserved ones
// (RFC 3986, section 2.3), as IAM encodes policy documents.
func escapeRFC3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte("0123456789ABCDEF"[c>>4])
		b.WriteByte("0123456789ABCDEF"[c&15])
	}
	return b.String()
}

type listPolicyNames struct {
	XMLName     xml.Name
	Names       []string `xml:"PolicyNames>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

type getInline struct {
	XMLName        xml.Name
	RoleName       string `xml:"RoleName,omitempty"`
	UserName       string `xml:"UserName,omitempty"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

type attachedPolicy struct {
	Name string `xml:"PolicyName"`
	ARN  string `xml:"PolicyArn"`
}

type listAttached struct {
	XMLName     xml.Name
	Policies    []attachedPolicy `xml:"AttachedPolicies>member"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

type getPolicy struct {
	XMLName xml.Name `xml:"GetPolicyResult"`
	Policy  struct {
		Name             string `xml:"PolicyName"`
		ARN              string `xml:"Arn"`
		DefaultVersionID string `xml:"DefaultVersionId"`
	} `xml:"Policy"`
}

type getPolicyVersion struct {
	XMLName xml.Name `xml:"GetPolicyVersionResult"`
	Version struct {
		Document  string `xml:"Document"`
		VersionID string `xml:"VersionId"`
		IsDefault bool   `xml:"IsDefaultVersion"`
	} `xml:"PolicyVersion"`
}
