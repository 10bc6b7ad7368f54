//! [`Outlined`]: a future polled through one function the optimizer may not inline.
//!
//! The state machine of a large `async fn` is otherwise copied into the `poll` of every
//! future that awaits it (each caller's `.await` inlines it), which multiplies the code of
//! the request path in the `.wasm` the browser downloads. Wrapping it keeps one copy; each
//! caller makes a plain call instead.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

pin_project_lite::pin_project! {
    /// `F`, polled through a non-inlined function (see the [module docs](self)).
    #[must_use = "futures do nothing unless polled"]
    pub(crate) struct Outlined<F> {
        #[pin]
        inner: F,
    }
}

impl<F> Outlined<F> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: F) -> Self {
        Self { inner }
    }
}

impl<F: Future> Future for Outlined<F> {
    type Output = F::Output;

    #[inline(never)]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.project().inner.poll(cx)
    }
}
