package cloudfront

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// KeyGroupAPI is the part of *cloudfront.Client [CreateKeyGroup] uses.
type KeyGroupAPI interface {
	CreatePublicKey(ctx context.Context, in *cfsdk.CreatePublicKeyInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreatePublicKeyOutput, error)
	CreateKeyGroup(ctx context.Context, in *cfsdk.CreateKeyGroupInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateKeyGroupOutput, error)
}

var _ KeyGroupAPI = (*cfsdk.Client)(nil)

// KeyGroup is a CloudFront key group holding one public key.
type KeyGroup struct {
	// PublicKeyID is the ID to pass to [NewSigner] ("Key-Pair-Id").
	PublicKeyID string
	// KeyGroupID is the ID to put in Options.TrustedKeyGroupIDs.
	KeyGroupID string
}

// CreateKeyGroup uploads the public half of an RSA 2048 signing key to
// CloudFront and creates a key group named name that trusts it. Only the
// public key leaves the process. Names must be unique in the account.
//
// Errors: [ErrInvalidKey] for a key that is not RSA 2048 and
// [ErrInvalidOptions] for an empty name or a nil client, before any request; otherwise the
// SDK's error (for example *types.PublicKeyAlreadyExists).
func CreateKeyGroup(ctx context.Context, c KeyGroupAPI, name string, key *rsa.PublicKey) (*KeyGroup, error) {
	if name == "" || len(name) > 128 {
		return nil, fmt.Errorf("%w: key group name must be 1 to 128 characters", ErrInvalidOptions)
	}
	// CloudFront accepts RSA 2048 public keys for signed URLs.
	if key == nil || key.N == nil || key.N.BitLen() != 2048 {
		return nil, fmt.Errorf("%w: CloudFront needs an RSA 2048 public key", ErrInvalidKey)
	}
	if isNil(c) {
		return nil, fmt.Errorf("%w: nil CloudFront client", ErrInvalidOptions)
	}
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidKey, err)
	}
	encoded := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	pk, err := c.CreatePublicKey(ctx, &cfsdk.CreatePublicKeyInput{PublicKeyConfig: &types.PublicKeyConfig{
		CallerReference: aws.String(DefaultCallerReferencePrefix + "key-" + name),
		Name:            aws.String(name),
		EncodedKey:      aws.String(encoded),
		Comment:         aws.String("s3secure signing key for key group " + name),
	}}, noSetupRetryCF)
	if err != nil {
		return nil, err
	}
	pkID := aws.ToString(pk.PublicKey.Id)
	kg, err := c.CreateKeyGroup(ctx, &cfsdk.CreateKeyGroupInput{KeyGroupConfig: &types.KeyGroupConfig{
		Name:    aws.String(name),
		Items:   []string{pkID},
		Comment: aws.String("s3secure key group"),
	}}, noSetupRetryCF)
	if err != nil {
		return nil, err
	}
	return &KeyGroup{PublicKeyID: pkID, KeyGroupID: aws.ToString(kg.KeyGroup.Id)}, nil
}
