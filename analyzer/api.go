package analyzer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
)

// API is the part of the Access Analyzer client the online queries use.
// Pass an *accessanalyzer.Client.
type API interface {
	ListAnalyzers(ctx context.Context, in *accessanalyzer.ListAnalyzersInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListAnalyzersOutput, error)
	CreateAnalyzer(ctx context.Context, in *accessanalyzer.CreateAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateAnalyzerOutput, error)
	GetAnalyzer(ctx context.Context, in *accessanalyzer.GetAnalyzerInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.GetAnalyzerOutput, error)
	ListFindings(ctx context.Context, in *accessanalyzer.ListFindingsInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListFindingsOutput, error)
	ListFindingsV2(ctx context.Context, in *accessanalyzer.ListFindingsV2Input, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListFindingsV2Output, error)
	GetFinding(ctx context.Context, in *accessanalyzer.GetFindingInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.GetFindingOutput, error)
	GetFindingV2(ctx context.Context, in *accessanalyzer.GetFindingV2Input, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.GetFindingV2Output, error)
	ListArchiveRules(ctx context.Context, in *accessanalyzer.ListArchiveRulesInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ListArchiveRulesOutput, error)
	GetArchiveRule(ctx context.Context, in *accessanalyzer.GetArchiveRuleInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.GetArchiveRuleOutput, error)
	CreateArchiveRule(ctx context.Context, in *accessanalyzer.CreateArchiveRuleInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CreateArchiveRuleOutput, error)
	ApplyArchiveRule(ctx context.Context, in *accessanalyzer.ApplyArchiveRuleInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ApplyArchiveRuleOutput, error)
	UpdateFindings(ctx context.Context, in *accessanalyzer.UpdateFindingsInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.UpdateFindingsOutput, error)
	StartResourceScan(ctx context.Context, in *accessanalyzer.StartResourceScanInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.StartResourceScanOutput, error)
}

// ValidateAPI is the part of the client [Validate] uses.
type ValidateAPI interface {
	ValidatePolicy(ctx context.Context, in *accessanalyzer.ValidatePolicyInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.ValidatePolicyOutput, error)
}

// CheckAPI is the part of the client [Gate] uses (the custom policy
// checks, billed per call).
type CheckAPI interface {
	CheckNoPublicAccess(ctx context.Context, in *accessanalyzer.CheckNoPublicAccessInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CheckNoPublicAccessOutput, error)
	CheckAccessNotGranted(ctx context.Context, in *accessanalyzer.CheckAccessNotGrantedInput, optFns ...func(*accessanalyzer.Options)) (*accessanalyzer.CheckAccessNotGrantedOutput, error)
}

var (
	_ API         = (*accessanalyzer.Client)(nil)
	_ ValidateAPI = (*accessanalyzer.Client)(nil)
	_ CheckAPI    = (*accessanalyzer.Client)(nil)
)
