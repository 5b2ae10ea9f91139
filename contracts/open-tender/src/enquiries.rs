//! Enquiries: anyone but the buyer asks before the enquiry period ends; the
//! buyer answers before the bid deadline. Both are public (events, view).

use crate::events::*;
use crate::store::*;
use crate::types::*;
use alloc::string::String;
use alloc::vec::Vec;
use procura_sdk::{emit, env, require, ContractResult};

pub const MAX_TEXT: usize = 4096;

fn check_text(what: &str, text: &str) -> ContractResult<()> {
    require!(!text.trim().is_empty(), "{what} is empty");
    require!(text.len() <= MAX_TEXT, "{what} is longer than {MAX_TEXT} bytes; publish it off-chain and give its hash");
    Ok(())
}

pub fn ask(tender_id: u64, lot_id: Option<u32>, text: String) -> ContractResult<u64> {
    let mut tender = load_tender(tender_id)?;
    let author = env::caller();
    require!(author != tender.buyer, "the buyer answers questions, it does not ask them");
    require!(env::block_time() < tender.params.enquiry_end, "the enquiry period is over");
    if let Some(l) = lot_id {
        load_lot(tender_id, l)?;
    }
    check_text("the question", &text)?;
    let id = tender.next_question;
    tender.next_question += 1;
    TENDERS.set(&tender_id, &tender);
    let q = Question { id, author, lot_id, text: text.clone(), asked_at: env::block_time(), answer: None };
    QUESTIONS.set(&(tender_id, id), &q);
    emit(QUESTION_ASKED, &QuestionEvent { tender_id, question_id: id, author, text });
    Ok(id)
}

pub fn answer(tender_id: u64, question_id: u64, answer: String) -> ContractResult<()> {
    let tender = load_tender(tender_id)?;
    require_buyer(&tender)?;
    require!(env::block_time() < tender.params.bid_deadline, "answers close at the bid deadline");
    let mut q = QUESTIONS.get(&(tender_id, question_id)).ok_or("no such question")?;
    require!(q.answer.is_none(), "the question is already answered");
    check_text("the answer", &answer)?;
    q.answer = Some(answer.clone());
    QUESTIONS.set(&(tender_id, question_id), &q);
    emit(QUESTION_ANSWERED, &QuestionEvent { tender_id, question_id, author: tender.buyer, text: answer });
    Ok(())
}

pub fn questions(tender_id: u64) -> Vec<Question> {
    QUESTIONS.prefix(&tender_id).map(|(_, q)| q).collect()
}
