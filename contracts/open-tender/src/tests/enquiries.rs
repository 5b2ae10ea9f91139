//! Enquiries: questions until the enquiry end, answers by the buyer.

use super::*;
use crate::events::*;

#[test]
fn questions_and_answers_are_public_with_ids() {
    let id = open();
    let q0 = MockHost::call_as(A, || OpenTender::ask_question(id, None, "Is delivery included?".into())).unwrap();
    let q1 = MockHost::call_as(B, || OpenTender::ask_question(id, Some(1), "Spec 4.2 unclear".into())).unwrap();
    assert_eq!((q0, q1), (0, 1));
    MockHost::call_as(BUYER, || OpenTender::answer_question(id, q1, "See annex B".into())).unwrap();
    let qs = OpenTender::questions(id).unwrap();
    assert_eq!(qs.len(), 2);
    assert_eq!((qs[0].author, qs[0].answer.clone(), qs[0].asked_at), (A, None, T0));
    assert_eq!((qs[1].lot_id, qs[1].answer.as_deref()), (Some(1), Some("See annex B")));
    let asked = payloads::<QuestionEvent>(QUESTION_ASKED);
    assert_eq!(asked.iter().map(|q| q.question_id).collect::<Vec<_>>(), vec![0, 1]);
    let answered = payloads::<QuestionEvent>(QUESTION_ANSWERED);
    assert_eq!((answered[0].question_id, answered[0].author, answered[0].text.as_str()), (1, BUYER, "See annex B"));
}

#[test]
fn enquiry_rules_check_role_time_and_content() {
    let id = open();
    let ask = |who: Address, lot: Option<u32>, text: &str| {
        let text = String::from(text);
        MockHost::call_as(who, || OpenTender::ask_question(id, lot, text))
    };
    assert!(err(ask(BUYER, None, "?")).contains("buyer answers"));
    assert!(err(ask(A, Some(9), "?")).contains("does not exist"));
    assert!(err(ask(A, None, "  ")).contains("empty"));
    assert!(err(ask(A, None, &"x".repeat(5_000))).contains("longer"));
    let q = ask(A, None, "Which standard?").unwrap();
    let answer = |who: Address, q: u64, text: &str| {
        let text = String::from(text);
        MockHost::call_as(who, || OpenTender::answer_question(id, q, text))
    };
    assert!(err(answer(A, q, "EN 1090")).contains("only the buyer"));
    assert!(err(answer(BUYER, 7, "EN 1090")).contains("no such question"));
    assert!(err(answer(BUYER, q, "")).contains("empty"));
    MockHost::set_time(ENQUIRY_END);
    assert!(err(ask(C, None, "late?")).contains("enquiry period is over"));
    answer(BUYER, q, "EN 1090").unwrap(); // answers run until the bid deadline
    assert!(err(answer(BUYER, q, "again")).contains("already answered"));
    let q2 = OpenTender::questions(id).unwrap().len() as u64;
    assert_eq!(q2, 1);
    MockHost::set_time(BID_DEADLINE);
    assert!(err(answer(BUYER, q, "x")).contains("bid deadline"));
}
