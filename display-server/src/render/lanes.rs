//! Lanes: one drawable's drawings, in order, on a rasterizer thread while the state
//! thread goes on with other requests (issue 17 §2, "drawables drawn side by side").
//!
//! A [`Lane`] holds a drawable's pixmap and a queue of drawings ([`Job`]s) to apply to
//! it in order. The state thread ([`Lane::push`]) appends drawings and, when the lane is
//! idle, asks a lane thread (`Workers::drain_lane`, [`LaneThreads::ask`]) to drain it; a rasterizer thread
//! ([`Lane::drain`]) takes the pixmap and the first job, draws without the lock, puts the
//! pixmap back, and repeats until the queue is empty. [`Lane::settle`] gives the state
//! thread the pixmap back with every job applied: it draws the jobs no thread has taken
//! yet itself and waits only for one a thread is drawing (so with one core nothing ever
//! waits on a queue).
//!
//! Why a mutex and a condition variable: the lane's three parts (the pixmap, the queue,
//! whether a thread was asked) change together, by two threads, a few times per drawing
//! of thousands of pixels: one lock per change costs nothing there, and the pixmap is
//! *moved out* of it while drawn, so no drawing ever holds the lock. Whoever holds the
//! pixmap (a `None` in the lane) is the only one drawing it: jobs are taken one at a
//! time by the holder, so they run in the order they were pushed.
//!
//! What the jobs may touch is the caller's business: `state::surfaces` hands a lane only
//! drawings that read nothing but their own drawable and data they own, and settles a
//! lane before anything else reads or writes that drawable.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use tiny_skia::Pixmap;
use yonder_protocol::ClientId;

use super::Workers;

/// One drawing of a lane's drawable: the client whose request it is (blamed if it
/// panics) and the drawing itself.
pub struct Job {
    /// Whose request this is.
    pub client: ClientId,
    /// The request's opcode (named in the log if the drawing fails).
    pub opcode: u8,
    /// Draws into the drawable's pixmap.
    pub draw: Draw,
}

/// A lane's drawing: into the pixmap, its large drawings split among the workers given
/// (on the state thread; a lane's thread draws alone).
pub type Draw = Box<dyn FnOnce(&mut Pixmap, Option<&Workers>) + Send>;

/// A job that panicked: its client and the panic's message. The pixmap keeps whatever
/// the drawing did before it failed, as a request that panics on the state thread does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Whose request failed.
    pub client: ClientId,
    /// The request's opcode.
    pub opcode: u8,
    /// The panic's message.
    pub message: String,
}

/// What the lane's lock guards. Why a lock: the state thread and a lane thread both
/// change these, together, a few times per drawing of thousands of pixels; the pixmap is
/// moved out while it is drawn, so no drawing holds the lock (see the module's note).
struct Inner {
    /// The pixmap, or `None` while someone draws it.
    pixmap: Option<Pixmap>,
    /// Drawings not yet started, oldest first.
    jobs: VecDeque<Job>,
    /// A rasterizer thread has been asked to drain the lane and has not yet found it
    /// empty: no need to ask again.
    asked: bool,
    /// Jobs that panicked, for the state thread.
    faults: Vec<Fault>,
    /// The state thread is settling the lane: a thread drawing it stops after its job
    /// and leaves the rest to it (which draws them with the band pool's threads).
    wanted: bool,
}

/// One drawable's pixmap and drawings queued for it (see the module's note).
pub struct Lane {
    inner: Mutex<Inner>,
    /// Signalled whenever the pixmap is put back.
    returned: Condvar,
}

impl Lane {
    /// A lane holding `pixmap`, with nothing queued.
    pub fn new(pixmap: Pixmap) -> Arc<Lane> {
        Arc::new(Lane {
            inner: Mutex::new(Inner {
                pixmap: Some(pixmap),
                jobs: VecDeque::new(),
                asked: false,
                faults: Vec::new(),
                wanted: false,
            }),
            returned: Condvar::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A job's panic is caught outside the lock, so the lock is never poisoned by
        // one; take the data either way.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends `job`; true when no thread has been asked to drain the lane, so the
    /// caller must ask one (it is marked asked).
    pub fn push(&self, job: Job) -> bool {
        let mut inner = self.lock();
        inner.jobs.push_back(job);
        !std::mem::replace(&mut inner.asked, true)
    }

    /// Draws the queued jobs in order, on the calling (rasterizer) thread, until none is
    /// left; returns at once when someone else holds the pixmap (the state thread
    /// settling: it draws the rest itself).
    pub fn drain(&self) {
        let mut inner = self.lock();
        loop {
            if inner.jobs.is_empty() || inner.wanted {
                inner.asked = false;
                return;
            }
            let Some(mut pixmap) = inner.pixmap.take() else {
                return;
            };
            let job = inner.jobs.pop_front().expect("not empty");
            drop(inner);
            let fault = run(job, &mut pixmap, None);
            inner = self.lock();
            inner.pixmap = Some(pixmap);
            inner.faults.extend(fault);
            self.returned.notify_all();
        }
    }

    /// The pixmap with every queued job drawn, and the faults of those that panicked:
    /// the jobs no thread has started are drawn here, on the calling thread; a job a
    /// thread is drawing is waited for. The lane must get no more jobs after this.
    /// `workers`: the threads the jobs drawn here may split a large drawing among.
    pub fn settle(&self, workers: Option<&Workers>) -> (Pixmap, Vec<Fault>) {
        let mut inner = self.lock();
        inner.wanted = true;
        loop {
            match inner.pixmap.take() {
                Some(mut pixmap) => match inner.jobs.pop_front() {
                    Some(job) => {
                        drop(inner);
                        let fault = run(job, &mut pixmap, workers);
                        inner = self.lock();
                        inner.pixmap = Some(pixmap);
                        inner.faults.extend(fault);
                    }
                    None => return (pixmap, std::mem::take(&mut inner.faults)),
                },
                None => {
                    inner = self.returned.wait(inner).unwrap_or_else(|e| e.into_inner());
                }
            }
        }
    }

    /// Whether a thread is drawing the pixmap right now (settling would wait).
    pub fn busy(&self) -> bool {
        self.lock().pixmap.is_none()
    }
}

/// The threads that drain lanes: [`LaneThreads::ask`] queues a lane, and the first idle
/// thread drains it. Why threads of their own and not the band pool's (`bands`): a task
/// spawned on that pool from its thread 0 waited until the state thread itself joined a
/// drawing, and the state thread drew nearly every lane itself. The queue's lock is taken
/// once a lane is asked for and once it is taken: a few times per burst of drawings.
pub struct LaneThreads {
    queue: Arc<Queue>,
}

/// What the lane threads share with the state thread. Why a lock and a condition
/// variable: the state thread pushes a lane at most once per lane activation and the
/// threads wait for one; a few operations per burst of drawings, never per pixel.
struct Queue {
    /// The lanes asked for, oldest first, and whether the threads must end.
    asked: Mutex<(VecDeque<Arc<Lane>>, bool)>,
    /// Signalled when a lane is asked for or the threads must end.
    ready: Condvar,
}

impl LaneThreads {
    /// Starts `n` threads (none if that fails: lanes are then drained by the state
    /// thread when it settles them).
    pub fn start(n: usize) -> LaneThreads {
        let queue = Arc::new(Queue {
            asked: Mutex::new((VecDeque::new(), false)),
            ready: Condvar::new(),
        });
        for i in 0..n {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("yonder-lane-{i}"))
                .spawn(move || queue.serve());
            if let Err(e) = started {
                tracing::warn!(error = %e, "a lane thread did not start");
            }
        }
        LaneThreads { queue }
    }

    /// Has a thread drain `lane`.
    pub fn ask(&self, lane: Arc<Lane>) {
        let mut asked = self.queue.lock();
        asked.0.push_back(lane);
        self.queue.ready.notify_one();
    }
}

impl Drop for LaneThreads {
    fn drop(&mut self) {
        self.queue.lock().1 = true;
        self.queue.ready.notify_all();
    }
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, (VecDeque<Arc<Lane>>, bool)> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A lane thread's life: drain each lane asked for, until the threads end.
    fn serve(&self) {
        let mut asked = self.lock();
        loop {
            if asked.1 {
                return;
            }
            match asked.0.pop_front() {
                Some(lane) => {
                    drop(asked);
                    lane.drain();
                    asked = self.lock();
                }
                None => asked = self.ready.wait(asked).unwrap_or_else(|e| e.into_inner()),
            }
        }
    }
}

/// Draws `job`, catching a panic as its client's fault.
fn run(job: Job, pixmap: &mut Pixmap, workers: Option<&Workers>) -> Option<Fault> {
    let Job {
        client,
        opcode,
        draw,
    } = job;
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(pixmap, workers)));
    done.err().map(|payload| Fault {
        client,
        opcode,
        message: crate::command::panic_message(payload.as_ref()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(client: u32, draw: impl FnOnce(&mut Pixmap, Option<&Workers>) + Send + 'static) -> Job {
        Job {
            client: ClientId(client),
            opcode: 41,
            draw: Box::new(draw),
        }
    }

    /// Jobs run in order whoever draws them; one that panics is its client's fault, and
    /// those after it still draw.
    #[test]
    fn jobs_draw_in_order_and_a_panic_is_its_clients_fault() {
        for drained_by_another in [false, true] {
            let lane = Lane::new(Pixmap::new(4, 4).unwrap());
            assert!(lane.push(job(1, |pm, _| pm.data_mut()[0] = 1)));
            assert!(
                !lane.push(job(1, |pm, _| pm.data_mut()[0] *= 10)),
                "asked once"
            );
            lane.push(job(2, |_, _| panic!("a bug")));
            lane.push(job(3, |pm, _| pm.data_mut()[1] = pm.data()[0] + 1));
            let other = drained_by_another.then(|| {
                let lane = lane.clone();
                std::thread::spawn(move || lane.drain())
            });
            let (pm, faults) = lane.settle(None);
            if let Some(t) = other {
                t.join().unwrap();
            }
            assert_eq!(&pm.data()[..2], &[10, 11]);
            let fault = Fault {
                client: ClientId(2),
                opcode: 41,
                message: "a bug".into(),
            };
            assert_eq!(faults, vec![fault]);
        }
    }
}
