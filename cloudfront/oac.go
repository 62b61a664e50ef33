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
	// break the bucket policy's OAC grant. Fix it in place.
	got, err := c.GetOriginAccessControl(ctx, &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)}, noSetupRetryCF)
	if err != nil {
		return "", act, err
	}
	want.Description = got.OriginAccessControl.OriginAccessControlConfig.Description
	if _, err := c.UpdateOriginAccessControl(ctx, &cfsdk.UpdateOriginAccessControlInput{
		Id: aws.String(id), IfMatch: got.ETag, OriginAccessControlConfig: &want,
	}, noSetupRetryCF); err != nil {
		return "", act, err
	}
	act.Change = ChangeUpdated
	act.Detail = fmt.Sprintf("origin access control %s (%s): signing %s/%s -> sigv4/always%s", id, name, found.SigningProtocol, found.SigningBehavior, lost)
	return id, act, nil
}

// findOAC returns the summary of the origin access control called name,
// nil when there is none.
func findOAC(ctx context.Context, c CloudFrontAPI, name string) (*types.OriginAccessControlSummary, error) {
	p := cfsdk.NewListOriginAccessControlsPaginator(c, &cfsdk.ListOriginAccessControlsInput{})
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
	}
	return nil, nil
}
