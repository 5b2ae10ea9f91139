//! Procedure presets: the minimum periods, minimum bids and standstill each
//! procurement method requires. A tender configured below its preset is
//! refused when it opens. Figures follow the EU directives (2014/24/EU
//! Art. 27 and the Remedies Directive's 10-day standstill), Prozorro's
//! procedures and China's Government Procurement Law methods; they are
//! floors a buyer may exceed, never shorten.

use borsh::{BorshDeserialize, BorshSerialize};
use procura_sdk::AbiType;
use procura_sdk::{require, ContractResult};

pub const DAY: u64 = 86_400;

/// How the winner is chosen (OCDS `awardCriteria` codelist).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, AbiType)]
pub enum AwardCriterion {
    /// Lowest price.
    PriceOnly,
    /// Lowest price plus life-cycle costs declared in the bid.
    CostOnly,
    /// Best price-quality ratio: price and weighted non-price criteria.
    RatedCriteria,
}

/// Procurement methods with a preset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, AbiType)]
pub enum Procedure {
    /// Open procedure above the EU thresholds (Prozorro `aboveThresholdEU`,
    /// China's open bidding).
    Open,
    /// Simplified procedure below the thresholds (Prozorro `belowThreshold`).
    BelowThreshold,
    /// Negotiated procedure with the invited suppliers (Prozorro
    /// `negotiation`, China's competitive negotiation).
    Negotiation,
    /// Request for quotations among at least three suppliers, lowest price
    /// wins (China's inquiry procurement, Prozorro `reporting`-style RFQ).
    RequestForQuotations,
}

/// The floors of one procedure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// From opening to the bid deadline.
    pub min_tender_period: u64,
    /// Questions are accepted until this long before the bid deadline.
    pub enquiry_cutoff: u64,
    /// An amendment leaving less than this before the bid deadline must move
    /// the deadline to at least this far away.
    pub min_period_after_amendment: u64,
    /// From the bid deadline to the reveal deadline.
    pub min_reveal_period: u64,
    /// Fewer valid bids than this: unsuccessful.
    pub min_bids: u32,
    pub min_standstill: u64,
    /// Whether the procedure admits non-price criteria.
    pub rated_criteria_allowed: bool,
}

impl Procedure {
    pub const fn preset(self) -> Preset {
        match self {
            Procedure::Open => Preset {
                min_tender_period: 30 * DAY,
                enquiry_cutoff: 10 * DAY,
                min_period_after_amendment: 7 * DAY,
                min_reveal_period: DAY,
                min_bids: 2,
                min_standstill: 10 * DAY,
                rated_criteria_allowed: true,
            },
            Procedure::BelowThreshold => Preset {
                min_tender_period: 2 * DAY,
                enquiry_cutoff: DAY,
                min_period_after_amendment: 2 * DAY,
                min_reveal_period: 3_600,
                min_bids: 1,
                min_standstill: 2 * DAY,
                rated_criteria_allowed: true,
            },
            Procedure::Negotiation => Preset {
                min_tender_period: DAY,
                enquiry_cutoff: 0,
                min_period_after_amendment: DAY,
                min_reveal_period: 3_600,
                min_bids: 1,
                min_standstill: 10 * DAY,
                rated_criteria_allowed: true,
            },
            Procedure::RequestForQuotations => Preset {
                min_tender_period: 3 * DAY,
                enquiry_cutoff: DAY,
                min_period_after_amendment: 2 * DAY,
                min_reveal_period: 3_600,
                min_bids: 3,
                min_standstill: 5 * DAY,
                rated_criteria_allowed: false,
            },
        }
    }
}

/// A tender's configuration as the preset sees it.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub opened_at: u64,
    pub bid_deadline: u64,
    pub reveal_deadline: u64,
    pub min_bids: u32,
    pub standstill: u64,
    pub criterion: AwardCriterion,
}

impl Preset {
    /// Refuses a configuration that breaks the procedure's floors, naming
    /// the rule and the figure required.
    pub fn check(&self, procedure: Procedure, s: &Schedule) -> ContractResult<()> {
        require!(
            s.bid_deadline >= s.opened_at.saturating_add(self.min_tender_period),
            "{procedure:?}: the tender period must be at least {} seconds",
            self.min_tender_period
        );
        require!(
            s.reveal_deadline >= s.bid_deadline.saturating_add(self.min_reveal_period),
            "{procedure:?}: the reveal period must be at least {} seconds",
            self.min_reveal_period
        );
        require!(s.min_bids >= self.min_bids, "{procedure:?}: at least {} bids must be required", self.min_bids);
        require!(
            s.standstill >= self.min_standstill,
            "{procedure:?}: the standstill period must be at least {} seconds",
            self.min_standstill
        );
        require!(s.standstill <= 365 * DAY, "the standstill period may not exceed a year");
        require!(
            self.rated_criteria_allowed || s.criterion == AwardCriterion::PriceOnly,
            "{procedure:?}: the award criterion must be price only"
        );
        Ok(())
    }
}
