package usage

import (
	"context"
	"strings"
	"sync"

	"github.com/s3secure/s3secure/policy"
)

// replay is pass 2, the proof: it reads every log again and decides each
// action of each request that succeeded within the window with
// policy.Authorize against the proposal, twice for the owner account's
// users and roles: with the proposed bucket policy (the caller's proposed
// identity policy joining it for another account's principal, since
// cross-account needs both sides), and with the proposed identity policy
// alone (beside the bucket policy's kept Deny statements).
func (s *suggester) replay(ctx context.Context, prop *proposal, rep *Report) error {
	var mu sync.Mutex
	out := &rep.Replay
	_, _, err := s.readAll(ctx, func() (func(*Record, logKind) error, func()) {
		m := newMapper()
		cache := contexts{}
		var local Replay
		flush := func() {
			mu.Lock()
			out.Requests += local.Requests
			out.Decisions += local.Decisions
			out.Allowed += local.Allowed
			out.IdentityDecisions += local.IdentityDecisions
			out.IdentityAllowed += local.IdentityAllowed
			out.Broken += local.Broken
			out.Unverifiable += local.Unverifiable
			out.Unreplayed += local.Unreplayed
			out.ThroughAccessPoint += local.ThroughAccessPoint
			for _, b := range local.Breaks {
				if len(out.Breaks) < MaxBreaks {
					out.Breaks = append(out.Breaks, b)
				}
			}
			mu.Unlock()
			local = Replay{}
		}
		return func(r *Record, kind logKind) error {
			unplaced := r.Bucket != s.bucket && r.unplacedAP
			if (r.Bucket != s.bucket && r.CopySource == "" && !unplaced) || r.Time.Before(s.since) || r.Time.After(s.until) {
				return nil
			}
			notFound := !r.Succeeded() && m.notFound(r, kind)
			if !r.Succeeded() && !notFound {
				return nil
			}
			if unplaced {
				// It succeeded, perhaps on this bucket: the proof cannot
				// say it is allowed.
				local.Unreplayed++
				return nil
			}
			if copyFromAccessPoint(r) {
				// Its source read, perhaps of this bucket, cannot be
				// replayed; its write, if to this bucket, is below.
				local.Unreplayed++
				if r.Bucket != s.bucket {
					return nil
				}
			}
			needs, known := m.needs(r, kind, s.bucket)
			if !known {
				// It succeeded, and what it needed is unknown: the
				// proposal does not grant it, and the proof cannot say
				// it is allowed.
				local.Unreplayed++
				return nil
			}
			if len(needs) == 0 {
				return nil
			}
			c := contextOf(r, kind)
			if c.apARN != "" || multiRegionAccessPointHost(r.Detail().HostHeader) {
				// The access point's policy decided it too, and the
				// identity side granted the access point: neither is
				// read nor proposed.
				local.ThroughAccessPoint++
				return nil
			}
			local.Requests++
			p := s.principalOf(r)
			caller := callerOf(r, p)
			c.withRoleARN(caller, p)
			for _, n := range needs {
				req := s.accessRequest(caller, n, &c, cache)
				s.decide(prop, r, p, n, req, c.lacking(p.Kind == Anonymous), &local)
			}
			if local.Requests+local.Unreplayed+local.ThroughAccessPoint >= 1024 {
				flush()
			}
			return nil
		}, flush
	})
	return err
}

// decide makes the proof's decisions for one action of one request.
func (s *suggester) decide(prop *proposal, r *Record, p Principal, n need, req *policy.AccessRequest, lack uint8, out *Replay) {
	idC := prop.identity[p.ARN]
	sameAccount := p.Account == s.owner
	var ids []*policy.Compiled
	if idC != nil && !sameAccount {
		ids = []*policy.Compiled{idC}
	}
	out.Decisions++
	az := policy.Authorize(req, &policy.Chain{Bucket: prop.bucketC, Identity: ids})
	s.tally(prop, r, p, n, req, az, lack, "bucket policy", &out.Allowed, out)
	if idC != nil && sameAccount {
		out.IdentityDecisions++
		az := policy.Authorize(req, &policy.Chain{Bucket: prop.keptC, Identity: []*policy.Compiled{idC}})
		s.tally(prop, r, p, n, req, az, lack, "identity policy", &out.IdentityAllowed, out)
	}
}

func (s *suggester) tally(prop *proposal, r *Record, p Principal, n need, req *policy.AccessRequest, az policy.Authorization, lack uint8, proof string, allowed *int, out *Replay) {
	lack &= prop.lackTested
	if az.Allowed() {
		if lack != 0 && prop.relaxed[lack].Decide(&req.Request).Decision == policy.DecisionExplicitDeny {
			// Allowed only because the record does not give a key a
			// kept Deny tests.
			out.Unverifiable++
			return
		}
		*allowed++
		return
	}
	if az.Decision == policy.DecisionExplicitDeny && az.DecidedBy == policy.LayerBucketPolicy {
		if idx := az.Deciding().By.Index; idx < prop.kept && (prop.unverifiable[idx] != nil || prop.tests[idx]&lack != 0) {
			out.Unverifiable++
			return
		}
	}
	if az.Decision == policy.DecisionDeny && p.Kind == Service && prop.servicesRelaxed != nil &&
		prop.servicesRelaxed.Decide(&req.Request).Allowed() {
		// A kept grant to the service allows it but for a key the log
		// does not record (aws:SourceAccount, …).
		out.Unverifiable++
		return
	}
	out.Broken++
	if len(out.Breaks) >= MaxBreaks {
		return
	}
	b := Break{File: r.File, Line: r.Line, Time: r.Time, Principal: strings.Clone(p.String()), Action: n.action.name, Resource: strings.Clone(req.Resource),
		Proof: proof, Decision: az.String()}
	b.Reason = prop.withheld[useKey{principal: b.Principal, action: b.Action}]
	out.Breaks = append(out.Breaks, b)
}
