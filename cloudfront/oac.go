package cloudfront

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// OACName returns the name of the origin access control this package uses
// for a bucket: DefaultOACNamePrefix + bucket, shortened with a hash to
// CloudFront's 64-character limit.
func OACName(bucket string) string {
	name := DefaultOACNamePrefix + bucket
	if len(name) <= 64 {
		return name
	}
	sum := sha256.Sum256([]byte(bucket))
	return name[:64-9] + "-" + hex.EncodeToString(sum[:4])
}

// ensureOAC finds the origin access control called name or creates it, and
// makes sure it signs S3 requests with SigV4 always. It returns the OAC ID
// and the action taken.
func ensureOAC(ctx context.Context, c CloudFrontAPI, name, bucket string) (string, Action, error) {
	act := Action{Step: StepOriginAccessControl, Change: ChangeNone}
	found, err := findOAC(ctx, c, name)
	if err != nil {
		return "", act, err
	}
	want := types.OriginAccessControlConfig{
		Name:                          aws.String(name),
		Description:                   aws.String("s3secure: CloudFront to S3 bucket " + bucket),
		OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
		SigningBehavior:               types.OriginAccessControlSigningBehaviorsAlways,
		SigningProtocol:               types.OriginAccessControlSigningProtocolsSigv4,
	}
	lost := ""
	if found == nil {
		out, err := c.CreateOriginAccessControl(ctx, &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &want}, noSetupRetryCF)
		if err == nil {
			id := aws.ToString(out.OriginAccessControl.Id)
			act.Change, act.Detail = ChangeCreated, fmt.Sprintf("origin access control %s (%s): s3, sigv4, always", id, name)
			return id, act, nil
		}
		if apiCode(err) != "OriginAccessControlAlreadyExists" {
			return "", act, err
		}
		// OAC names are unique: the name was free when listed, so the OAC
		// was made since, by this call's first request (whose response
		// was lost before the SDK's retryer sent it again) or by another
		// writer. Either way it is the OAC called name, checked below as
		// one found by listing is.
		again, ferr := findOAC(ctx, c, name)
		if ferr != nil {
			return "", act, fmt.Errorf("%w; listing origin access controls to find %s: %w", err, name, ferr)
		}
		if again == nil {
			return "", act, err
		}
		found = again
		// Most likely this call made it; a writer who did would report it
		// made too.
		act.Change = ChangeCreated
		lost = " (made since the listing, by this call's request whose response was lost or by another writer: CreateOriginAccessControl answered OriginAccessControlAlreadyExists)"
	}
	id := aws.ToString(found.Id)
	if found.OriginAccessControlOriginType != types.OriginAccessControlOriginTypesS3 {
		return "", act, fmt.Errorf("%w: %s (%s) is for origin type %q, not s3", ErrOACMisconfigured, name, id, found.OriginAccessControlOriginType)
	}
	if found.SigningBehavior == types.OriginAccessControlSigningBehaviorsAlways &&
		found.SigningProtocol == types.OriginAccessControlSigningProtocolsSigv4 {
		act.Detail = fmt.Sprintf("origin access control %s (%s): s3, sigv4, always%s", id, name, lost)
		return id, act, nil
	}
	// "never" turns signing off for every origin using the OAC and
	// "no-override" lets a viewer's Authorization header through; both
	// break the bucket policy's OAC grant. Fix it in place, with If-Match
	// on the read's ETag: a configuration another writer changed since is
	// read again and fixed from that read (see ifMatchWrite), keeping
	// their name and description.
	w := ifMatchWrite[*types.OriginAccessControlConfig]{
		what: "origin access control " + id,
		read: func(ctx context.Context) (*types.OriginAccessControlConfig, *string, error) {
			got, err := c.GetOriginAccessControl(ctx, &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)}, noSetupRetryCF)
			if err != nil {
				return nil, nil, err
			}
			if got.OriginAccessControl == nil || got.OriginAccessControl.OriginAccessControlConfig == nil {
				return nil, nil, fmt.Errorf("%w: %s (%s) was read without a configuration", ErrOACMisconfigured, name, id)
			}
			return got.OriginAccessControl.OriginAccessControlConfig, got.ETag, nil
		},
		merge: func(cur *types.OriginAccessControlConfig) ([]string, error) {
			return fixOACSigning(cur, name, id)
		},
		write: func(ctx context.Context, cur *types.OriginAccessControlConfig, etag *string) (*types.OriginAccessControlConfig, bool, error) {
			out, err := c.UpdateOriginAccessControl(ctx, &cfsdk.UpdateOriginAccessControlInput{
				Id: aws.String(id), IfMatch: etag, OriginAccessControlConfig: cur,
			}, noSetupRetryCF)
			if err != nil {
				return nil, false, err
			}
			if out.OriginAccessControl == nil || out.OriginAccessControl.OriginAccessControlConfig == nil {
				return nil, false, nil
			}
			return out.OriginAccessControl.OriginAccessControlConfig, true, nil
		},
	}
	cur, etag, err := w.read(ctx)
	if err != nil {
		return "", act, err
	}
	changes, err := fixOACSigning(cur, name, id)
	if err != nil {
		return "", act, err
	}
	written, err := w.run(ctx, cur, etag, changes)
	if err != nil {
		return "", act, err
	}
	if written == nil {
		act.Detail = fmt.Sprintf("origin access control %s (%s): s3, sigv4, always (fixed by another writer since it was listed)%s", id, name, lost)
		return id, act, nil
	}
	act.Change = ChangeUpdated
	act.Detail = fmt.Sprintf("origin access control %s (%s): signing %s%s", id, name, written[0], lost)
	return id, act, nil
}

// fixOACSigning makes cur, the configuration of the OAC id called name,
// sign every request with SigV4, and says what it changed (nothing when
// it already does). Everything else is kept as read. An OAC for another
// origin type is refused with ErrOACMisconfigured.
func fixOACSigning(cur *types.OriginAccessControlConfig, name, id string) ([]string, error) {
	if cur.OriginAccessControlOriginType != types.OriginAccessControlOriginTypesS3 {
		return nil, fmt.Errorf("%w: %s (%s) is for origin type %q, not s3", ErrOACMisconfigured, name, id, cur.OriginAccessControlOriginType)
	}
	if cur.SigningBehavior == types.OriginAccessControlSigningBehaviorsAlways &&
		cur.SigningProtocol == types.OriginAccessControlSigningProtocolsSigv4 {
		return nil, nil
	}
	change := fmt.Sprintf("%s/%s -> sigv4/always", cur.SigningProtocol, cur.SigningBehavior)
	cur.SigningBehavior = types.OriginAccessControlSigningBehaviorsAlways
	cur.SigningProtocol = types.OriginAccessControlSigningProtocolsSigv4
	return []string{change}, nil
}

// findOAC returns the summary of the origin access control called name,
// nil when there is none.
func findOAC(ctx context.Context, c CloudFrontAPI, name string) (*types.OriginAccessControlSummary, error) {
	p := cfsdk.NewListOriginAccessControlsPaginator(c, &cfsdk.ListOriginAccessControlsInput{})
	seen := pageMarkers{}
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryCF)
		if err != nil {
			return nil, err
		}
		if page.OriginAccessControlList == nil {
			break
		}
		for i := range page.OriginAccessControlList.Items {
			if s := &page.OriginAccessControlList.Items[i]; aws.ToString(s.Name) == name {
				return s, nil
			}
		}
		if err := seen.check("origin access controls", page.OriginAccessControlList.NextMarker); err != nil {
			return nil, err
		}
	}
	return nil, nil
}
