package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditAccessPointsAdversarial: red-team rows for the access point
// audit, each through the real S3 Control client against s3controlfake;
// all were already right. Block Public Access partly off, or a field left
// out at creation (off: "You must explicitly disable any settings that you
// don't want during access point creation", S3 user guide, "Managing
// public access to access points"), fails S3.19 naming the setting; a
// wildcard aws:SourceVpce or a set of access points by
// s3:DataAccessPointArn leaves an access point policy public, a fixed
// aws:SourceVpce does not ("The meaning of public"); a VPC access point
// passes the policy and origin checks whatever its policy says, as "VPC
// network-origin access points are always non-public", yet still fails
// S3.19 with its settings off.
func TestAuditAccessPointsAdversarial(t *testing.T) {
	on, off := aws.Bool(true), aws.Bool(false)
	tests := []struct {
		name   string
		vpc    bool
		bpa    *s3ctltypes.PublicAccessBlockConfiguration
		policy string // %s = access point ARN
		want   map[securebucket.Control]securebucket.Status
		msg    map[securebucket.Control]string
	}{
		{name: "bpa-one-off", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: off},
			want: map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointBPA: securebucket.StatusFail, securebucket.ControlAccessPointPolicy: securebucket.StatusPass},
			msg:  map[securebucket.Control]string{securebucket.ControlAccessPointBPA: "RestrictPublicBuckets"}},
		{name: "bpa-field-omitted", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: on, IgnorePublicAcls: on, RestrictPublicBuckets: on},
			want: map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointBPA: securebucket.StatusFail},
			msg:  map[securebucket.Control]string{securebucket.ControlAccessPointBPA: "BlockPublicPolicy"}},
		{name: "public-policy", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off},
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"%s/object/*"}]}`,
			want:   map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusFail, securebucket.ControlAccessPointOrigin: securebucket.StatusFail}},
		{name: "public-policy-wildcard-vpce", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off},
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}]}`,
			want:   map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusFail}},
		{name: "policy-fixed-vpce", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off},
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Vpce","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`,
			want:   map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusPass}},
		{name: "policy-access-point-arn-set", bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off},
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Set","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*","Condition":{"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"}}}]}`,
			want:   map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusFail}},
		{name: "vpc-public-policy", vpc: true, bpa: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off},
			policy: `{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%s/object/*"}]}`,
			want:   map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusPass, securebucket.ControlAccessPointOrigin: securebucket.StatusPass, securebucket.ControlAccessPointBPA: securebucket.StatusFail}},
		{name: "vpc-all-on", vpc: true,
			want: map[securebucket.Control]securebucket.Status{securebucket.ControlAccessPointPolicy: securebucket.StatusPass, securebucket.ControlAccessPointOrigin: securebucket.StatusPass, securebucket.ControlAccessPointBPA: securebucket.StatusPass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newAcctEnv(t)
			ctx := t.Context()
			require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
			in := &s3control.CreateAccessPointInput{AccountId: aws.String(e.account), Name: aws.String("app1"), Bucket: aws.String("data"), PublicAccessBlockConfiguration: tt.bpa}
			if tt.vpc {
				in.VpcConfiguration = &s3ctltypes.VpcConfiguration{VpcId: aws.String("vpc-1a2b3c4d")}
			}
			_, err := e.control.CreateAccessPoint(ctx, in)
			require.NoError(t, err)
			if tt.policy != "" {
				arn := securebucket.AccessPointARN(e.region(), e.account, "app1")
				_, err = e.control.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(e.account), Name: aws.String("app1"),
					Policy: aws.String(sprintf(tt.policy, arn))})
				require.NoError(t, err)
			}
			rs, err := securebucket.AuditAccessPoints(ctx, e.control, e.account, nil)
			require.NoError(t, err)
			require.Len(t, rs, 3)
			for _, r := range rs {
				if w, ok := tt.want[r.Control]; ok {
					assert.Equal(t, w, r.Status, "%s: %s", r.Control, r.Message)
				}
				if m, ok := tt.msg[r.Control]; ok {
					assert.Contains(t, r.Message, m)
				}
			}
		})
	}
}

// TestAuditAccountPublicAccessBlockFieldOmitted: an account configuration
// written with one of the four fields left out has that setting off
// ("PutPublicAccessBlock replaces the whole configuration and an omitted
// flag becomes false"), so S3.1 fails naming it, never passes on three.
func TestAuditAccountPublicAccessBlockFieldOmitted(t *testing.T) {
	for _, omit := range []struct {
		name  string
		clear func(*s3ctltypes.PublicAccessBlockConfiguration)
	}{
		{"BlockPublicAcls", func(c *s3ctltypes.PublicAccessBlockConfiguration) { c.BlockPublicAcls = nil }},
		{"IgnorePublicAcls", func(c *s3ctltypes.PublicAccessBlockConfiguration) { c.IgnorePublicAcls = nil }},
		{"BlockPublicPolicy", func(c *s3ctltypes.PublicAccessBlockConfiguration) { c.BlockPublicPolicy = nil }},
		{"RestrictPublicBuckets", func(c *s3ctltypes.PublicAccessBlockConfiguration) { c.RestrictPublicBuckets = nil }},
	} {
		t.Run(omit.name, func(t *testing.T) {
			e := newAcctEnv(t)
			c := &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}
			omit.clear(c)
			_, err := e.control.PutPublicAccessBlock(t.Context(), &s3control.PutPublicAccessBlockInput{AccountId: aws.String(e.account), PublicAccessBlockConfiguration: c})
			require.NoError(t, err)
			r := securebucket.AuditAccountPublicAccessBlock(t.Context(), e.control, e.account)
			assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
			assert.Equal(t, "account Block Public Access settings off: "+omit.name, r.Message)
		})
	}
}
