//! [`RowStream`]: every row of a result across pages, as an async stream that asks for the
//! next page only when the consumer has taken the rows of the current one.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use core::fmt;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use futures::Stream;

use super::error::Error;
use super::request::ExecRequest;
use super::result::{QueryResult, Row};
use super::session::Session;
use super::statement::PagingState;
use crate::runtime::BoxFuture;
use crate::types::DeserializeRow;

/// Rows across pages (see [`Session::execute_iter`]). After an error the stream ends.
pub struct RowStream {
    session: Session,
    request: ExecRequest,
    buffer: VecDeque<Row>,
    fetching: Option<BoxFuture<'static, Result<QueryResult, Error>>>,
    next_page: Option<PagingState>,
    started: bool,
    done: bool,
    pages: usize,
}

impl fmt::Debug for RowStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RowStream")
            .field("buffered", &self.buffer.len())
            .field("pages", &self.pages)
            .field("next_page", &self.next_page)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl RowStream {
    pub(crate) fn new(session: Session, request: ExecRequest) -> Self {
        let next_page = request.paging_state.clone();
        Self {
            session,
            request,
            buffer: VecDeque::new(),
            fetching: None,
            next_page,
            started: false,
            done: false,
            pages: 0,
        }
    }

    /// The same stream starting at the page `paging_state` names (a previous page's
    /// [`QueryResult::paging_state`], or [`paging_state`](Self::paging_state) of a stream
    /// stopped earlier) instead of the first. Only before the first row is read.
    #[must_use]
    pub fn resume_from(mut self, paging_state: PagingState) -> Self {
        if !self.started {
            self.next_page = Some(paging_state);
        }
        self
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> usize {
        self.pages
    }

    /// Where the page after the buffered rows starts (`None` once the last page came).
    pub fn paging_state(&self) -> Option<&PagingState> {
        self.next_page.as_ref()
    }

    /// The same stream, each row read as `T` (a tuple or a [`DeserializeRow`] type that
    /// owns its data).
    pub fn typed<T>(self) -> TypedRowStream<T>
    where
        T: for<'a> DeserializeRow<'a>,
    {
        TypedRowStream {
            inner: self,
            _row: PhantomData,
        }
    }

    fn start_fetch(&mut self) {
        let mut request = self.request.clone();
        request.paging_state = self.next_page.take();
        let session = self.session.clone();
        self.fetching = Some(Box::pin(async move { session.run(&request).await }));
        self.started = true;
    }
}

impl Unpin for RowStream {}

impl Stream for RowStream {
    type Item = Result<Row, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(row) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(row)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            if this.fetching.is_none() {
                if this.started && this.next_page.is_none() {
                    this.done = true;
                    return Poll::Ready(None);
                }
                this.start_fetch();
            }
            let Some(fut) = this.fetching.as_mut() else {
                continue;
            };
            match fut.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => {
                    this.fetching = None;
                    match result {
                        Ok(page) => {
                            this.pages += 1;
                            this.next_page = page.paging_state.clone();
                            this.buffer.extend(page.rows());
                            tracing::trace!(
                                rows = this.buffer.len(),
                                more = this.next_page.is_some(),
                                "page fetched"
                            );
                        }
                        Err(e) => {
                            this.done = true;
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
            }
        }
    }
}

/// A [`RowStream`] whose rows are read as `T` (see [`RowStream::typed`]).
pub struct TypedRowStream<T> {
    inner: RowStream,
    _row: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for TypedRowStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<T> Unpin for TypedRowStream<T> {}

impl<T> Stream for TypedRowStream<T>
where
    T: for<'a> DeserializeRow<'a>,
{
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match Pin::new(&mut self.inner).poll_next(cx) {
            Poll::Ready(Some(Ok(row))) => Poll::Ready(Some(row.typed::<T>())),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}
