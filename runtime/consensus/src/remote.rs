//! [`BlockApp`] over the node's socket (`procura-app-link`): the engine
//! process asks, the node executes. A broken link ends the process: a
//! validator without its node must not vote.

use crate::app::{BlockApp, Halt};
use procura_app_link::{read_frame, write_frame, Request, Response};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::Mutex;

pub struct RemoteApp {
    stream: Mutex<UnixStream>,
}

impl RemoteApp {
    pub fn connect(socket: &Path) -> anyhow::Result<Self> {
        let stream = UnixStream::connect(socket)
            .map_err(|e| anyhow::anyhow!("cannot reach the node at {}: {e}", socket.display()))?;
        Ok(RemoteApp { stream: Mutex::new(stream) })
    }

    fn call(&self, req: &Request) -> Response {
        let mut s = self.stream.lock().expect("link lock");
        let answer = write_frame(&mut *s, req).and_then(|()| read_frame::<Response>(&mut *s));
        match answer {
            Ok(r) => r,
            Err(e) => {
                eprintln!("procura-validator: lost the node ({e}); stopping");
                std::process::exit(3);
            }
        }
    }
}

fn unexpected(r: Response) -> ! {
    eprintln!("procura-validator: unexpected answer from the node: {r:?}");
    std::process::exit(3);
}

impl BlockApp for RemoteApp {
    fn head(&self) -> u64 {
        match self.call(&Request::Head) {
            Response::Head(h) => h,
            r => unexpected(r),
        }
    }
    fn validators(&self) -> Vec<[u8; 32]> {
        match self.call(&Request::Validators) {
            Response::Validators(v) => v,
            r => unexpected(r),
        }
    }
    fn has_work(&self) -> bool {
        match self.call(&Request::HasWork) {
            Response::HasWork(w) => w,
            r => unexpected(r),
        }
    }
    fn propose(&mut self, height: u64) -> anyhow::Result<Vec<u8>> {
        match self.call(&Request::Propose { height }) {
            Response::Proposed(r) => r.map_err(anyhow::Error::msg),
            r => unexpected(r),
        }
    }
    fn validate(&mut self, height: u64, builder: Option<&[u8; 32]>, block: &[u8]) -> Result<(), String> {
        match self.call(&Request::Validate { height, builder: builder.copied(), block: block.to_vec() }) {
            Response::Validated(r) => r,
            r => unexpected(r),
        }
    }
    fn commit(&mut self, height: u64, block: &[u8], certificate: &[u8]) -> Result<(), Halt> {
        let req = Request::Commit { height, block: block.to_vec(), certificate: certificate.to_vec() };
        match self.call(&req) {
            Response::Committed(r) => r.map_err(|reason| Halt { height, reason }),
            r => unexpected(r),
        }
    }
    fn block(&self, height: u64) -> Option<Vec<u8>> {
        match self.call(&Request::Block { height }) {
            Response::Block(b) => b,
            r => unexpected(r),
        }
    }
}
