package cloudfront

import (
	"context"
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// KeyGroupAPI is the part of *cloudfront.Client [CreateKeyGroup] uses.
type KeyGroupAPI interface {
	CreatePublicKey(ctx context.Context, in *cfsdk.CreatePublicKeyInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreatePublicKeyOutput, error)
	GetPublicKey(ctx context.Context, in *cfsdk.GetPublicKeyInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetPublicKeyOutput, error)
	ListPublicKeys(ctx context.Context, in *cfsdk.ListPublicKeysInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListPublicKeysOutput, error)
	CreateKeyGroup(ctx context.Context, in *cfsdk.CreateKeyGroupInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateKeyGroupOutput, error)
	ListKeyGroups(ctx context.Context, in *cfsdk.ListKeyGroupsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListKeyGroupsOutput, error)
}

var _ KeyGroupAPI = (*cfsdk.Client)(nil)

// Steps of [CreateKeyGroup], as reported in KeyGroup.Actions.
const (
	StepPublicKey = "public-key"
	StepKeyGroup  = "key-group"
)

// KeyGroup is a CloudFront key group holding one public key.
type KeyGroup struct {
	// PublicKeyID is the ID to pass to [NewSigner] ("Key-Pair-Id").
	PublicKeyID string
	// KeyGroupID is the ID to put in Options.TrustedKeyGroupIDs.
	KeyGroupID string
	// Actions says, for the public key and the key group, whether this
	// call created it (ChangeCreated) or found it already there, as this
	// call asked for it (ChangeNone).
	Actions []Action
}

// CreateKeyGroup uploads the public half of a signing key, RSA 2048
// (*rsa.PublicKey) or ECDSA P-256 (*ecdsa.PublicKey), to CloudFront and creates a key group named name that trusts it. Only the
// public key leaves the process. Names must be unique in the account.
//
// It can be run again: the public key is uploaded under the name and the
// CallerReference "s3secure-key-NAME", and the key group under the name.
// When CloudFront answers that they exist (PublicKeyAlreadyExists,
// KeyGroupAlreadyExists), because an earlier run made them or because the
// response to this call's own create was lost and the client's retryer
// sent it again, the existing ones are used, but only when they are
// provably what this call asks for: a public key of that name with that
// CallerReference and exactly this key, and a key group of that name
// trusting exactly that public key and no other. Anything else of the
// name is never adopted, and CloudFront's error is returned with the
// reason.
//
// Errors: [ErrInvalidKey] for a key that is not RSA 2048 or ECDSA P-256 and
// [ErrInvalidOptions] for an empty name or a nil client, before any
// request; otherwise the SDK's error (for example
// *types.PublicKeyAlreadyExists for a public key of the name that holds
// another key, *types.KeyGroupAlreadyExists for a key group of the name
// that trusts other keys).
func CreateKeyGroup(ctx context.Context, c KeyGroupAPI, name string, key crypto.PublicKey) (*KeyGroup, error) {
	if name == "" || len(name) > 128 {
		return nil, fmt.Errorf("%w: key group name must be 1 to 128 characters", ErrInvalidOptions)
	}
	// CloudFront "supports signed URLs and signed cookies with RSA 2048 or
	// ECDSA 256 key signatures" (API reference, PublicKey).
	if _, err := checkPublicKey(key); err != nil {
		return nil, err
	}
	if isNil(c) {
		return nil, fmt.Errorf("%w: nil CloudFront client", ErrInvalidOptions)
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	res := &KeyGroup{}
	ref := DefaultCallerReferencePrefix + "key-" + name
	pk, err := c.CreatePublicKey(ctx, &cfsdk.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
		CallerReference: aws.String(ref),
		Name:            aws.String(name),
		EncodedKey:      aws.String(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))),
		Comment:         aws.String("s3secure signing key for key group " + name),
	}}, noSetupRetryCF)
	switch {
	case err == nil:
		res.PublicKeyID = aws.ToString(pk.PublicKey.Id)
		res.Actions = append(res.Actions, Action{Step: StepPublicKey, Change: ChangeCreated, Detail: "public key " + res.PublicKeyID + " (" + name + ")"})
	case apiCode(err) == "PublicKeyAlreadyExists":
		if res.PublicKeyID, err = ourPublicKey(ctx, c, name, ref, key, err); err != nil {
			return nil, err
		}
		res.Actions = append(res.Actions, Action{Step: StepPublicKey, Change: ChangeNone, Detail: fmt.Sprintf("public key %s (%s) holds this key under CallerReference %s (CloudFront answered PublicKeyAlreadyExists: made by an earlier run, or by this call's request whose response was lost)", res.PublicKeyID, name, ref)})
	default:
		return nil, err
	}
	kg, err := c.CreateKeyGroup(ctx, &cfsdk.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{
		Name:    aws.String(name),
		Items:   []string{res.PublicKeyID},
		Comment: aws.String("s3secure key group"),
	}}, noSetupRetryCF)
	switch {
	case err == nil:
		res.KeyGroupID = aws.ToString(kg.KeyGroup.Id)
		res.Actions = append(res.Actions, Action{Step: StepKeyGroup, Change: ChangeCreated, Detail: "key group " + res.KeyGroupID + " (" + name + ") trusts public key " + res.PublicKeyID})
	case apiCode(err) == "KeyGroupAlreadyExists":
		if res.KeyGroupID, err = ourKeyGroup(ctx, c, name, res.PublicKeyID, err); err != nil {
			return nil, err
		}
		res.Actions = append(res.Actions, Action{Step: StepKeyGroup, Change: ChangeNone, Detail: fmt.Sprintf("key group %s (%s) trusts public key %s only (CloudFront answered KeyGroupAlreadyExists: made by an earlier run, or by this call's request whose response was lost)", res.KeyGroupID, name, res.PublicKeyID)})
	default:
		return nil, err
	}
	return res, nil
}

// ourPublicKey returns the ID of the public key called name, after
// CloudFront answered this call's upload with exists
// (PublicKeyAlreadyExists), when it is provably the one this call asked
// for: uploaded with CallerReference ref, holding exactly key. Anything
// else is exists with the reason: never adopted.
func ourPublicKey(ctx context.Context, c KeyGroupAPI, name, ref string, key crypto.PublicKey, exists error) (string, error) {
	var id string
	p := cfsdk.NewListPublicKeysPaginator(c, &cfsdk.ListPublicKeysInput{})
	seen := pageMarkers{}
	for p.HasMorePages() && id == "" {
		page, err := p.NextPage(ctx, noSetupRetryCF)
		if err != nil {
			return "", fmt.Errorf("%w; listing public keys to find %s: %w", exists, name, err)
		}
		if page.PublicKeyList == nil {
			break
		}
		for _, s := range page.PublicKeyList.Items {
			if aws.ToString(s.Name) == name {
				id = aws.ToString(s.Id)
				break
			}
		}
		if err := seen.check("public keys", page.PublicKeyList.NextMarker); err != nil && id == "" {
			return "", fmt.Errorf("%w; %w", exists, err)
		}
	}
	if id == "" {
		return "", fmt.Errorf("%w; no public key is called %s: not adopted", exists, name)
	}
	got, err := c.GetPublicKey(ctx, &cfsdk.GetPublicKeyInput{Id: aws.String(id)}, noSetupRetryCF)
	if err != nil {
		return "", fmt.Errorf("%w; reading public key %s (%s): %w", exists, id, name, err)
	}
	var cfg *types.PublicKeyConfig
	if got.PublicKey != nil {
		cfg = got.PublicKey.PublicKeyConfig
	}
	switch {
	case cfg == nil:
		return "", fmt.Errorf("%w; public key %s (%s) was read without a configuration: not adopted", exists, id, name)
	case aws.ToString(cfg.CallerReference) != ref:
		return "", fmt.Errorf("%w; public key %s (%s) was uploaded with CallerReference %q, not %s by CreateKeyGroup: not adopted", exists, id, name, aws.ToString(cfg.CallerReference), ref)
	case !holdsKey(aws.ToString(cfg.EncodedKey), key):
		return "", fmt.Errorf("%w; public key %s (%s) holds another key than the one given: not adopted", exists, id, name)
	}
	return id, nil
}

// holdsKey reports whether encoded, a PEM public key as CloudFront keeps
// it, is exactly key.
func holdsKey(encoded string, key crypto.PublicKey) bool {
	block, _ := pem.Decode([]byte(strings.TrimSpace(encoded)))
	if block == nil || block.Type != "PUBLIC KEY" {
		return false
	}
	got, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return false
	}
	k, ok := key.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(got)
}

// ourKeyGroup returns the ID of the key group called name, after
// CloudFront answered this call's create with exists
// (KeyGroupAlreadyExists), when it trusts exactly the public key pkID and
// no other key. Anything else is exists with the reason: never adopted.
func ourKeyGroup(ctx context.Context, c KeyGroupAPI, name, pkID string, exists error) (string, error) {
	// ListKeyGroups has no paginator in the SDK.
	seen := pageMarkers{}
	var marker *string
	for {
		page, err := c.ListKeyGroups(ctx, &cfsdk.ListKeyGroupsInput{Marker: marker}, noSetupRetryCF)
		if err != nil {
			return "", fmt.Errorf("%w; listing key groups to find %s: %w", exists, name, err)
		}
		if page.KeyGroupList == nil {
			break
		}
		for _, s := range page.KeyGroupList.Items {
			g := s.KeyGroup
			if g == nil || g.KeyGroupConfig == nil || aws.ToString(g.KeyGroupConfig.Name) != name {
				continue
			}
			id := aws.ToString(g.Id)
			if items := g.KeyGroupConfig.Items; !slices.Equal(items, []string{pkID}) {
				return "", fmt.Errorf("%w; key group %s (%s) trusts public keys %v, not exactly %s: not adopted", exists, id, name, items, pkID)
			}
			return id, nil
		}
		if err := seen.check("key groups", page.KeyGroupList.NextMarker); err != nil {
			return "", fmt.Errorf("%w; %w", exists, err)
		}
		if aws.ToString(page.KeyGroupList.NextMarker) == "" {
			break
		}
		marker = page.KeyGroupList.NextMarker
	}
	return "", fmt.Errorf("%w; no key group is called %s: not adopted", exists, name)
}
