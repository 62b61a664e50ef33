package iamfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type role struct {
	name, path, id string
	created        time.Time
}

// AddRole adds a role under path ("" means "/"; IAM paths begin and end
// with "/", which AddRole adds when missing) and returns its ARN,
// arn:aws:iam::ACCOUNT:role/PATH/NAME. Like IAM, the fake keeps role names
// unique in the account, whatever the path: adding a name again moves it.
// A role that only has inline or attached policies (PutRolePolicy,
// AttachRolePolicy) exists too, under "/".
func (s *Server) AddRole(name, path string) string {
	path = normalPath(path)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roles == nil {
		s.roles = map[string]*role{}
	}
	s.seq++
	r := &role{name: name, path: path, id: fmt.Sprintf("AROAFAKE%012d", s.seq), created: time.Now().UTC().Truncate(time.Second)}
	s.roles[name] = r
	return s.roleARN(r)
}

func normalPath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (s *Server) roleARN(r *role) string {
	return s.arnPrefix + "role" + r.path + r.name
}

// HasPrincipal reports whether arn names a user or role of the fake's
// account as IAM would spell it (path included): arn:aws:iam::ACCOUNT:user/NAME
// for a user added with AddUser or given a policy, the ARN AddRole returned
// for a role. It is the principal check an S3 fake can use to refuse a
// bucket policy naming a principal that does not exist.
func (s *Server) HasPrincipal(arn string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rest, ok := strings.CutPrefix(arn, s.arnPrefix)
	if !ok {
		return false
	}
	switch {
	case strings.HasPrefix(rest, "user/"):
		name := rest[len("user/"):]
		_, isUser := s.users[name]
		_, hasInline := s.store().inline["user/"+name]
		return isUser || hasInline
	case strings.HasPrefix(rest, "role/"):
		name := rest[strings.LastIndexByte(rest, '/')+1:]
		if r, ok := s.roles[name]; ok {
			return s.roleARN(r) == arn
		}
		_, hasInline := s.store().inline["role/"+name]
		return hasInline && rest == "role/"+name
	}
	return false
}

// hasRole reports whether the role exists (added, or given a policy). s.mu
// is held.
func (s *Server) hasRole(name string) bool {
	_, ok := s.roles[name]
	return ok
}

type xmlRole struct {
	Path                     string `xml:"Path"`
	RoleName                 string `xml:"RoleName"`
	RoleID                   string `xml:"RoleId"`
	Arn                      string `xml:"Arn"`
	CreateDate               string `xml:"CreateDate"`
	AssumeRolePolicyDocument string `xml:"AssumeRolePolicyDocument"`
	MaxSessionDuration       int    `xml:"MaxSessionDuration"`
}

type getRoleResult struct {
	XMLName xml.Name `xml:"GetRoleResult"`
	Role    xmlRole  `xml:"Role"`
}

// getRole serves GetRole (IAM API reference: "Retrieves information about
// the specified role, including the role's path, GUID, ARN, and the role's
// trust policy"; the trust policy URL-encoded per RFC 3986). s.mu is held.
func (s *Server) getRole(r *http.Request) (any, *apiErr) {
	name := r.PostForm.Get("RoleName")
	ro, ok := s.roles[name]
	if !ok {
		if _, hasInline := s.store().inline["role/"+name]; !hasInline || name == "" {
			return nil, &apiErr{404, "NoSuchEntity", "The role with name " + name + " cannot be found.", true}
		}
		ro = &role{name: name, path: "/", id: "AROAFAKE" + strings.Repeat("0", 12)}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + s.arnPrefix + `root"},"Action":"sts:AssumeRole"}]}`
	return getRoleResult{Role: xmlRole{Path: ro.path, RoleName: ro.name, RoleID: ro.id, Arn: s.roleARN(ro),
		CreateDate: iso(ro.created), AssumeRolePolicyDocument: escapeRFC3986(trust), MaxSessionDuration: 3600}}, nil
}
