package pubrio

/*
#include <pubrio/pubrio.h>
*/
import "C"

import "context"

// Profile is the workspace's balance, prices and plan (POST /profile). A
// field the API left out or sent oddly is unknown: its Has flag false, -1
// for a count or a price, nil for APIAccess.
type Profile struct {
	HasProfileID       bool
	ProfileID          int64
	HasCredit          bool
	Credit             int64 // the balance
	HasTopupCredit     bool
	TopupCredit        int64
	PlanName           string // "" when absent
	EmailPrice         int64  // credits an email contact returned; -1 unknown
	PhonePrice         int64  // credits a phone contact returned; -1 unknown
	MaxHourlyRequests  int64  // 0: the plan sets none; -1 unknown
	MaxDailyRequests   int64  // 0: none; -1 unknown
	MaxMonthlyRequests int64  // 0: none; -1 unknown
	APIAccess          *bool  // nil when unknown
}

// Usage is the workspace's request quotas used and allowed in the current
// hour, day and month (POST /profile/usage). -1 is unknown; an allowance of
// 0 means no quota.
type Usage struct {
	HourlyUsed, HourlyAllowed   int64
	DailyUsed, DailyAllowed     int64
	MonthlyUsed, MonthlyAllowed int64
	LastRefreshed               string // as the API sent it; "" when absent
	APIAccess                   *bool  // nil when unknown
}

// Profile reads the workspace's balance, prices and plan. Free and
// read-only, so it is retried on transient failures; ctx cancels it.
func (c *Client) Profile(ctx context.Context) (*Profile, error) {
	var out *Profile
	err := c.do(ctx, false, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		var cp *C.pubrio_profile
		status := C.pubrio_profile_get(p, -1, &cp, e)
		if cp != nil {
			out = &Profile{
				HasProfileID:       cp.has_profile_id != 0,
				ProfileID:          int64(cp.profile_id),
				HasCredit:          cp.has_credit != 0,
				Credit:             int64(cp.credit),
				HasTopupCredit:     cp.has_topup_credit != 0,
				TopupCredit:        int64(cp.topup_credit),
				PlanName:           goString(cp.plan_name),
				EmailPrice:         int64(cp.email_price),
				PhonePrice:         int64(cp.phone_price),
				MaxHourlyRequests:  int64(cp.max_hourly_requests),
				MaxDailyRequests:   int64(cp.max_daily_requests),
				MaxMonthlyRequests: int64(cp.max_monthly_requests),
				APIAccess:          tristate(cp.api_access),
			}
			C.pubrio_profile_free(cp)
		}
		return status
	})
	return out, err
}

// Usage reads the request quotas used and allowed. Free and read-only,
// retried and cancelled like Profile.
func (c *Client) Usage(ctx context.Context) (*Usage, error) {
	var out *Usage
	err := c.do(ctx, false, func(p *C.pubrio_client, e *C.pubrio_error) C.pubrio_status {
		var cu *C.pubrio_usage
		status := C.pubrio_usage_get(p, -1, &cu, e)
		if cu != nil {
			out = &Usage{
				HourlyUsed:     int64(cu.hourly_used),
				HourlyAllowed:  int64(cu.hourly_allowed),
				DailyUsed:      int64(cu.daily_used),
				DailyAllowed:   int64(cu.daily_allowed),
				MonthlyUsed:    int64(cu.monthly_used),
				MonthlyAllowed: int64(cu.monthly_allowed),
				LastRefreshed:  goString(cu.last_refreshed),
				APIAccess:      tristate(cu.api_access),
			}
			C.pubrio_usage_free(cu)
		}
		return status
	})
	return out, err
}

// tristate reads the C library's 1 / 0 / -1 (unknown).
func tristate(v C.int) *bool {
	if v < 0 {
		return nil
	}
	b := v != 0
	return &b
}
