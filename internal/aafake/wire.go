package aafake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// This file holds the JSON shapes of the restJson1 protocol, with the member
// names taken from the SDK's serializers.go/deserializers.go (v1.49.1).

type wireCriterion struct {
	Eq       []string `json:"eq,omitempty"`
	Neq      []string `json:"neq,omitempty"`
	Contains []string `json:"contains,omitempty"`
	Exists   *bool    `json:"exists,omitempty"`
}

type wireSort struct {
	AttributeName string `json:"attributeName,omitempty"`
	OrderBy       string `json:"orderBy,omitempty"`
}

type wireInlineRule struct {
	RuleName string                   `json:"ruleName"`
	Filter   map[string]wireCriterion `json:"filter"`
}

type wireCreateAnalyzer struct {
	AnalyzerName  string            `json:"analyzerName"`
	Type          string            `json:"type"`
	ArchiveRules  []wireInlineRule  `json:"archiveRules"`
	ClientToken   string            `json:"clientToken"`
	Tags          map[string]string `json:"tags"`
	Configuration map[string]any    `json:"configuration"`
}

type wireAnalyzer struct {
	Arn                    string            `json:"arn"`
	Name                   string            `json:"name"`
	Type                   string            `json:"type"`
	Status                 string            `json:"status"`
	CreatedAt              string            `json:"createdAt"`
	LastResourceAnalyzed   string            `json:"lastResourceAnalyzed,omitempty"`
	LastResourceAnalyzedAt string            `json:"lastResourceAnalyzedAt,omitempty"`
	Tags                   map[string]string `json:"tags,omitempty"`
	Configuration          map[string]any    `json:"configuration,omitempty"`
}

type wireArchiveRule struct {
	RuleName  string                   `json:"ruleName"`
	Filter    map[string]wireCriterion `json:"filter"`
	CreatedAt string                   `json:"createdAt"`
	UpdatedAt string                   `json:"updatedAt"`
}

type wireCreateArchiveRule struct {
	RuleName    string                   `json:"ruleName"`
	Filter      map[string]wireCriterion `json:"filter"`
	ClientToken string                   `json:"clientToken"`
}

type wireApplyArchiveRule struct {
	AnalyzerArn string `json:"analyzerArn"`
	RuleName    string `json:"ruleName"`
	ClientToken string `json:"clientToken"`
}

type wireListFindings struct {
	AnalyzerArn string                   `json:"analyzerArn"`
	Filter      map[string]wireCriterion `json:"filter"`
	MaxResults  *int                     `json:"maxResults"`
	NextToken   *string                  `json:"nextToken"`
	Sort        *wireSort                `json:"sort"`
}

type wireUpdateFindings struct {
	AnalyzerArn string   `json:"analyzerArn"`
	Ids         []string `json:"ids"`
	ResourceArn string   `json:"resourceArn"`
	Status      string   `json:"status"`
	ClientToken string   `json:"clientToken"`
}

type wireSourceDetail struct {
	AccessPointArn     string `json:"accessPointArn,omitempty"`
	AccessPointAccount string `json:"accessPointAccount,omitempty"`
}

type wireSource struct {
	Type   string            `json:"type"`
	Detail *wireSourceDetail `json:"detail,omitempty"`
}

// wireFinding is both Finding and FindingSummary (identical members).
type wireFinding struct {
	ID                   string            `json:"id"`
	Resource             string            `json:"resource,omitempty"`
	ResourceType         string            `json:"resourceType"`
	ResourceOwnerAccount string            `json:"resourceOwnerAccount"`
	Status               string            `json:"status"`
	IsPublic             *bool             `json:"isPublic,omitempty"`
	Principal            map[string]string `json:"principal,omitempty"`
	Action               []string          `json:"action,omitempty"`
	Condition            map[string]string `json:"condition"`
	Sources              []wireSource      `json:"sources,omitempty"`
	Error                string            `json:"error,omitempty"`
	CreatedAt            string            `json:"createdAt"`
	AnalyzedAt           string            `json:"analyzedAt"`
	UpdatedAt            string            `json:"updatedAt"`
}

type wireFindingSummaryV2 struct {
	ID                   string `json:"id"`
	Resource             string `json:"resource,omitempty"`
	ResourceType         string `json:"resourceType"`
	ResourceOwnerAccount string `json:"resourceOwnerAccount"`
	Status               string `json:"status"`
	FindingType          string `json:"findingType"`
	Error                string `json:"error,omitempty"`
	CreatedAt            string `json:"createdAt"`
	AnalyzedAt           string `json:"analyzedAt"`
	UpdatedAt            string `json:"updatedAt"`
}

type wireAccessDetails struct {
	Action    []string          `json:"action,omitempty"`
	Condition map[string]string `json:"condition"`
	IsPublic  *bool             `json:"isPublic,omitempty"`
	Principal map[string]string `json:"principal,omitempty"`
	Sources   []wireSource      `json:"sources,omitempty"`
}

type wireGetFindingV2 struct {
	wireFindingSummaryV2
	FindingDetails []map[string]wireAccessDetails `json:"findingDetails"`
	NextToken      string                         `json:"nextToken,omitempty"`
}

type wireScan struct {
	AnalyzerArn          string `json:"analyzerArn"`
	ResourceArn          string `json:"resourceArn"`
	ResourceOwnerAccount string `json:"resourceOwnerAccount"`
}

type wireValidatePolicy struct {
	Locale                     string `json:"locale"`
	PolicyDocument             string `json:"policyDocument"`
	PolicyType                 string `json:"policyType"`
	ValidatePolicyResourceType string `json:"validatePolicyResourceType"`
}

type wirePosition struct {
	Line   int32 `json:"line"`
	Column int32 `json:"column"`
	Offset int32 `json:"offset"`
}

type wireSpan struct {
	Start wirePosition `json:"start"`
	End   wirePosition `json:"end"`
}

type wireLocation struct {
	Path []map[string]any `json:"path"`
	Span wireSpan         `json:"span"`
}

type wireValidateFinding struct {
	FindingType    string         `json:"findingType"`
	IssueCode      string         `json:"issueCode"`
	FindingDetails string         `json:"findingDetails"`
	LearnMoreLink  string         `json:"learnMoreLink"`
	Locations      []wireLocation `json:"locations"`
}

type wireCheckNoPublicAccess struct {
	PolicyDocument string `json:"policyDocument"`
	ResourceType   string `json:"resourceType"`
}

type wireAccess struct {
	Actions   []string `json:"actions,omitempty"`
	Resources []string `json:"resources,omitempty"`
}

type wireCheckAccessNotGranted struct {
	PolicyDocument string       `json:"policyDocument"`
	PolicyType     string       `json:"policyType"`
	Access         []wireAccess `json:"access"`
}

type wireReason struct {
	Description    string `json:"description,omitempty"`
	StatementID    string `json:"statementId,omitempty"`
	StatementIndex *int32 `json:"statementIndex,omitempty"`
}

type wireCheckResult struct {
	Result  string       `json:"result"`
	Message string       `json:"message"`
	Reasons []wireReason `json:"reasons"`
}

func ts(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func toWireCriteria(m map[string]types.Criterion) map[string]wireCriterion {
	out := make(map[string]wireCriterion, len(m))
	for k, c := range m {
		out[k] = wireCriterion{Eq: c.Eq, Neq: c.Neq, Contains: c.Contains, Exists: c.Exists}
	}
	return out
}

func fromWireCriteria(m map[string]wireCriterion) map[string]types.Criterion {
	out := make(map[string]types.Criterion, len(m))
	for k, c := range m {
		out[k] = types.Criterion{Eq: c.Eq, Neq: c.Neq, Contains: c.Contains, Exists: c.Exists}
	}
	return out
}

func toWireSources(src []types.FindingSource) []wireSource {
	var out []wireSource
	for _, s := range src {
		ws := wireSource{Type: string(s.Type)}
		if s.Detail != nil {
			ws.Detail = &wireSourceDetail{}
			if s.Detail.AccessPointArn != nil {
				ws.Detail.AccessPointArn = *s.Detail.AccessPointArn
			}
			if s.Detail.AccessPointAccount != nil {
				ws.Detail.AccessPointAccount = *s.Detail.AccessPointAccount
			}
		}
		out = append(out, ws)
	}
	return out
}

func pathElement(p types.PathElement) map[string]any {
	switch v := p.(type) {
	case *types.PathElementMemberIndex:
		return map[string]any{"index": v.Value}
	case *types.PathElementMemberKey:
		return map[string]any{"key": v.Value}
	case *types.PathElementMemberValue:
		return map[string]any{"value": v.Value}
	case *types.PathElementMemberSubstring:
		s := map[string]any{}
		if v.Value.Start != nil {
			s["start"] = *v.Value.Start
		}
		if v.Value.Length != nil {
			s["length"] = *v.Value.Length
		}
		return map[string]any{"substring": s}
	}
	return map[string]any{}
}

func position(p *types.Position) wirePosition {
	if p == nil {
		return wirePosition{}
	}
	return wirePosition{Line: aws.ToInt32(p.Line), Column: aws.ToInt32(p.Column), Offset: aws.ToInt32(p.Offset)}
}

func toWireValidate(f types.ValidatePolicyFinding) wireValidateFinding {
	w := wireValidateFinding{FindingType: string(f.FindingType), Locations: []wireLocation{},
		IssueCode: aws.ToString(f.IssueCode), FindingDetails: aws.ToString(f.FindingDetails), LearnMoreLink: aws.ToString(f.LearnMoreLink)}
	for _, l := range f.Locations {
		wl := wireLocation{Path: []map[string]any{}}
		for _, p := range l.Path {
			wl.Path = append(wl.Path, pathElement(p))
		}
		if l.Span != nil {
			wl.Span = wireSpan{Start: position(l.Span.Start), End: position(l.Span.End)}
		}
		w.Locations = append(w.Locations, wl)
	}
	return w
}
