//! Shared scenarios for the end-to-end tests: a full sealed-bid tender driven
//! through the real runtime, recording every call's outcome.

use procura_harness::Harness;
use procura_primitives::Address;
use procura_vm::Outcome;
use sealed_bid::{commitment, Bid, TenderParams};

pub const BUYER: Address = Address([0xb0; 32]);
pub const BIDDERS: [Address; 3] = [Address([0x0a; 32]), Address([0x0b; 32]), Address([0x0c; 32])];
pub const T0: u64 = 1_767_225_600; // 2026-01-01
pub const BID_DEADLINE: u64 = T0 + 7 * 86_400;
pub const REVEAL_DEADLINE: u64 = BID_DEADLINE + 86_400;
pub const STANDSTILL: u64 = 10 * 86_400;

pub fn params() -> TenderParams {
    TenderParams {
        description_hash: [0x42; 32],
        budget: 1_000_000_00,
        currency: "EUR".into(),
        bid_deadline: BID_DEADLINE,
        reveal_deadline: REVEAL_DEADLINE,
        min_bids: 2,
        standstill_secs: STANDSTILL,
    }
}

pub fn salt(bidder: Address) -> [u8; 32] {
    let mut s = [0x5a; 32];
    s[..8].copy_from_slice(&bidder.0[..8]);
    s
}

pub fn sealed(tender_id: u64, bidder: Address, price: u128) -> (Bid, [u8; 32]) {
    let bid = Bid { tender_id, bidder, price };
    let c = commitment(&bid, &salt(bidder));
    (bid, c)
}

/// One step of a scenario: who called what, and what happened.
pub struct Step {
    pub name: &'static str,
    pub outcome: Outcome,
}

/// The full lifecycle: open, three sealed bids (one replaced), a bad reveal,
/// reveals, evaluation, a rejection (cascade), award, complaint, dismissal,
/// standstill, final award. Prices: A 700, B 450, C 450 (B committed first),
/// so B wins, is rejected, and the award passes to C.
pub fn full_lifecycle(h: &mut Harness) -> Vec<Step> {
    let [a, b, c] = BIDDERS;
    let mut steps = Vec::new();
    let mut step = |h: &mut Harness, name: &'static str, caller: Address, method: &str, input: Vec<u8>| {
        h.set_caller(caller);
        let outcome = h.run(method, &input, procura_vm::Mode::Call);
        steps.push(Step { name, outcome });
    };
    let enc = |v: &dyn Fn() -> Vec<u8>| v();
    h.set_time(T0);
    step(h, "open_tender", BUYER, "open_tender", borsh::to_vec(&(params(),)).unwrap());
    let id = 0u64;
    h.set_time(T0 + 3600);
    step(h, "submit_bid A (first)", a, "submit_bid", enc(&|| borsh::to_vec(&(id, sealed(id, a, 900).1)).unwrap()));
    step(h, "submit_bid B", b, "submit_bid", enc(&|| borsh::to_vec(&(id, sealed(id, b, 450).1)).unwrap()));
    step(h, "submit_bid C", c, "submit_bid", enc(&|| borsh::to_vec(&(id, sealed(id, c, 450).1)).unwrap()));
    step(h, "submit_bid A (replace)", a, "submit_bid", enc(&|| borsh::to_vec(&(id, sealed(id, a, 700).1)).unwrap()));
    h.set_time(BID_DEADLINE);
    let (bid_a_old, _) = sealed(id, a, 900);
    step(h, "reveal A stale bid (fails)", a, "reveal_bid", borsh::to_vec(&(id, bid_a_old, salt(a))).unwrap());
    for (who, price, name) in [(a, 700u128, "reveal A"), (b, 450, "reveal B"), (c, 450, "reveal C")] {
        let (bid, _) = sealed(id, who, price);
        step(h, name, who, "reveal_bid", borsh::to_vec(&(id, bid, salt(who))).unwrap());
    }
    h.set_time(REVEAL_DEADLINE);
    step(h, "evaluate", c, "evaluate", borsh::to_vec(&(id,)).unwrap());
    step(h, "reject B", BUYER, "reject_bidder", borsh::to_vec(&(id, b, String::from("no tax certificate"))).unwrap());
    step(h, "award by non-buyer (fails)", a, "award", borsh::to_vec(&(id,)).unwrap());
    step(h, "award", BUYER, "award", borsh::to_vec(&(id,)).unwrap());
    h.set_time(REVEAL_DEADLINE + 86_400);
    step(h, "complain A", a, "complain", borsh::to_vec(&(id, String::from("C's offer misses lot spec 4.2"))).unwrap());
    step(
        h,
        "resolve complaint",
        BUYER,
        "resolve_complaint",
        borsh::to_vec(&(id, false, String::from("spec met"))).unwrap(),
    );
    step(h, "finalize early (fails)", a, "finalize", borsh::to_vec(&(id,)).unwrap());
    h.set_time(REVEAL_DEADLINE + STANDSTILL);
    step(h, "finalize", a, "finalize", borsh::to_vec(&(id,)).unwrap());
    steps
}

/// Drives a contract call by call, recording each step's outcome and gas
/// for the lifecycle tests' gas tables.
pub struct Recorder {
    pub steps: Vec<RecordedStep>,
}

pub struct RecordedStep {
    pub name: String,
    pub method: String,
    pub outcome: Outcome,
}

impl Recorder {
    pub fn new() -> Self {
        Recorder { steps: Vec::new() }
    }

    /// Runs `method` as `caller`; returns the outcome (also recorded).
    pub fn step<A: borsh::BorshSerialize>(
        &mut self,
        h: &mut Harness,
        name: &str,
        caller: Address,
        method: &str,
        args: &A,
    ) -> &Outcome {
        h.set_caller(caller);
        let outcome = h.call(method, args);
        self.steps.push(RecordedStep { name: name.into(), method: method.into(), outcome });
        &self.steps.last().unwrap().outcome
    }

    /// [`Recorder::step`] that must succeed; decodes the result.
    pub fn ok<A: borsh::BorshSerialize, R: borsh::BorshDeserialize>(
        &mut self,
        h: &mut Harness,
        name: &str,
        caller: Address,
        method: &str,
        args: &A,
    ) -> R {
        let o = self.step(h, name, caller, method, args);
        if let Err(e) = &o.status {
            panic!("step `{name}` ({method}) failed: {e}");
        }
        borsh::from_slice(&o.return_data).unwrap_or_else(|e| panic!("`{method}` returned undecodable data: {e}"))
    }

    /// [`Recorder::step`] that must abort with a message containing `expect`.
    pub fn fails<A: borsh::BorshSerialize>(
        &mut self,
        h: &mut Harness,
        name: &str,
        caller: Address,
        method: &str,
        args: &A,
        expect: &str,
    ) {
        let o = self.step(h, name, caller, method, args);
        match &o.status {
            Err(procura_vm::ExecError::Aborted(m)) if m.contains(expect) => {}
            other => panic!("step `{name}` ({method}): expected an abort containing {expect:?}, got {other:?}"),
        }
    }

    /// The gas-per-step table, as Markdown.
    pub fn gas_table(&self, title: &str) -> String {
        let mut out = format!("\n{title}\n\n| step | method | outcome | gas |\n|---|---|---|---:|\n");
        for s in &self.steps {
            let outcome = if s.outcome.is_ok() { "ok".to_string() } else { "refused".to_string() };
            out += &format!("| {} | `{}` | {} | {} |\n", s.name, s.method, outcome, s.outcome.gas_used);
        }
        out
    }
}

impl Default for Recorder {
    fn default() -> Self {
        Self::new()
    }
}
