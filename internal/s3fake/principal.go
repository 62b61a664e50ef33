package s3fake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// PrincipalType says what kind of identity made a request.
type PrincipalType int

// Principal types.
const (
	// Anonymous is an unsigned request.
	Anonymous PrincipalType = iota
	// AccountRoot is an account's root user (arn:aws:iam::ACCOUNT:root).
	AccountRoot
	// IAMUser is an IAM user (arn:aws:iam::ACCOUNT:user/NAME).
	IAMUser
	// AssumedRole is an STS role session
	// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION).
	AssumedRole
)

// String returns the type's name.
func (t PrincipalType) String() string {
	switch t {
	case Anonymous:
		return "Anonymous"
	case AccountRoot:
		return "AccountRoot"
	case IAMUser:
		return "IAMUser"
	case AssumedRole:
		return "AssumedRole"
	}
	return fmt.Sprintf("PrincipalType(%d)", int(t))
}

// Principal is the identity behind a request.
type Principal struct {
	Type PrincipalType
	// ARN is "" for Anonymous.
	ARN string
	// AccountID is "" for Anonymous.
	AccountID string
	// Name is the user name or role name; SessionName the role session name.
	Name        string
	SessionName string
	// AccessKeyID is the key that signed the request ("" for Anonymous).
	AccessKeyID string
}

// IsAnonymous reports whether the request was unsigned.
func (p Principal) IsAnonymous() bool { return p.Type == Anonymous }

// RootPrincipal returns the root principal of an account, in the aws
// partition. A Server names its principals in its Region's partition.
func RootPrincipal(accountID string) Principal { return RootPrincipalIn("aws", accountID) }

// UserPrincipal returns an IAM user principal, in the aws partition.
func UserPrincipal(accountID, name string) Principal { return UserPrincipalIn("aws", accountID, name) }

// RolePrincipal returns an assumed-role session principal, in the aws
// partition.
func RolePrincipal(accountID, role, session string) Principal {
	return RolePrincipalIn("aws", accountID, role, session)
}

// RootPrincipalIn, UserPrincipalIn and RolePrincipalIn name the principal
// in partition (arn:aws-cn:iam::ACCOUNT:root in China): an account, its
// users and roles have ARNs in their own partition only.
func RootPrincipalIn(partition, accountID string) Principal {
	return Principal{Type: AccountRoot, AccountID: accountID, ARN: "arn:" + partition + ":iam::" + accountID + ":root"}
}

// UserPrincipalIn is UserPrincipal in partition.
func UserPrincipalIn(partition, accountID, name string) Principal {
	return Principal{Type: IAMUser, AccountID: accountID, Name: name, ARN: "arn:" + partition + ":iam::" + accountID + ":user/" + name}
}

// RolePrincipalIn is RolePrincipal in partition.
func RolePrincipalIn(partition, accountID, role, session string) Principal {
	return Principal{Type: AssumedRole, AccountID: accountID, Name: role, SessionName: session,
		ARN: "arn:" + partition + ":sts::" + accountID + ":assumed-role/" + role + "/" + session}
}

// Credential is an access key the fake accepts and the principal it maps to.
// String redacts the secret and the session token.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is set for assumed-role credentials; requests must
	// present it.
	SessionToken string
	Principal    Principal
	// Expires, when set, is when temporary credentials stop working:
	// requests signed with them afterwards get 400 ExpiredToken, including
	// presigned URLs whose own expiry is later (as on AWS).
	Expires time.Time
}

// String returns the access key ID and principal only.
func (c Credential) String() string {
	return "s3fake.Credential{AccessKeyID: " + c.AccessKeyID + ", Principal: " + c.Principal.ARN + ", SecretAccessKey: <redacted>, SessionToken: <redacted>}"
}

// GoString is like String.
func (c Credential) GoString() string { return c.String() }

// CanonicalUserID returns the canonical user ID the fake uses for an account
// in ACLs (64 hex characters, like S3's).
func CanonicalUserID(accountID string) string {
	sum := sha256.Sum256([]byte("s3fake canonical user " + accountID))
	return hex.EncodeToString(sum[:])
}

func randomSecret() string {
	var b [30]byte
	_, _ = rand.Read(b[:])
	return base64.RawStdEncoding.EncodeToString(b[:])
}

func newAccessKeyID(prefix string, n uint64) string {
	s := fmt.Sprintf("%s%016X", prefix, n)
	return strings.ToUpper(s)
}
