//! Lanes: one drawable's drawings, in order, on a rasterizer thread while the state
//! thread goes on with other requests (issue 17 §2, "drawables drawn side by side").
//!
//! A [`Lane`] holds a drawable's pixmap and a queue of drawings ([`Job`]s) to apply to
//! it in order. The state thread ([`Lane::push`]) appends drawings and, when the lane is
//! idle, asks a lane thread (`Workers::drain_lane`, [`LaneThreads::ask`]) to drain it;
//! a rasterizer thread ([`Lane::drain`]) takes the pixmap and the first job, draws
//! without the lock, puts the pixmap back, and repeats until the queue is empty or its
//! turn is over ([`TURN_PIXELS`]: then the other lanes asked for go first).
//!
//! Each job has a number on its lane, and the lane counts the jobs done. A client's
//! answer waits until its last job there is done ([`Lane::help`]): the state thread
//! goes on with other work meanwhile, and the thread that finishes the job wakes it
//! (the lane's [`Wake`]); it draws the jobs itself only when no thread will (one found
//! the pixmap held by the state thread, settling or helping, and left).
//! [`Lane::settle`] gives the state thread the pixmap back with every job applied, for
//! anything else that reads or writes the drawable: it draws the jobs no thread has
//! taken yet itself and waits only for one a thread is drawing (so with one core
//! nothing ever waits on a queue).
//!
//! Why a mutex and a condition variable: the lane's parts (the pixmap, the queue,
//! whether a thread was asked, the counts) change together, by two threads, a few times
//! per drawing of thousands of pixels: one lock per change costs nothing there, and the
//! pixmap is *moved out* of it while drawn, so no drawing ever holds the lock. Whoever
//! holds the pixmap (a `None` in the lane) is the only one drawing it: jobs are taken
//! one at a time by the holder, so they run in the order they were pushed. The
//! condition variable is for the settling state thread alone.
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
    /// Its work in pixels, which bounds what may wait on a lane ([`Lane::push`]).
    pub pixels: u64,
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
    /// Their pixels, together.
    pending: u64,
    /// A lane thread has been asked to drain the lane (it is queued, or being drawn)
    /// and has not yet found it empty or held by the state thread: no need to ask
    /// again.
    asked: bool,
    /// Jobs that panicked, for the state thread.
    faults: Vec<Fault>,
    /// The state thread is settling the lane: a thread drawing it stops after its job
    /// and leaves the rest to it (which draws them with the band pool's threads).
    wanted: bool,
    /// Jobs handed to the lane so far: the last one's number ([`Pushed::seq`]).
    pushed: u64,
    /// Jobs drawn (or failed) so far, in order: job `n` is done once `done >= n`.
    done: u64,
    /// The state thread waits for job `watch` to be done ([`Lane::help`]; 0: for
    /// none): the thread that draws it calls the lane's `wake` then.
    watch: u64,
}

impl Inner {
    /// Has the thread that finishes job `seq` (or an earlier watched one) wake the
    /// state thread.
    fn watch_for(&mut self, seq: u64) {
        self.watch = match self.watch {
            0 => seq,
            w => w.min(seq),
        };
    }
}

/// Called by a lane thread when a job the state thread waits for is done (it wakes the
/// state thread's loop, see `dispatch`). Called with the lane's lock held: it must not
/// touch the lane.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// What [`Lane::push`] tells the state thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pushed {
    /// No thread had been asked to drain the lane: the caller must ask one (the lane is
    /// marked asked).
    pub ask: bool,
    /// Pixels of the drawings now waiting there, this one's included.
    pub waiting: u64,
    /// The job's number on this lane: it is done once [`Lane::help`] says so.
    pub seq: u64,
}

/// One drawable's pixmap and drawings queued for it (see the module's note).
pub struct Lane {
    inner: Mutex<Inner>,
    /// Signalled when the pixmap is put back while the state thread settles the lane.
    returned: Condvar,
    /// Tells the state thread that the job it watches is done.
    wake: Wake,
}

impl Lane {
    /// A lane holding `pixmap`, with nothing queued; `wake` is called when a job the
    /// state thread watches is done.
    pub fn new(pixmap: Pixmap, wake: Wake) -> Arc<Lane> {
        Arc::new(Lane {
            inner: Mutex::new(Inner {
                pixmap: Some(pixmap),
                jobs: VecDeque::new(),
                pending: 0,
                asked: false,
                faults: Vec::new(),
                wanted: false,
                pushed: 0,
                done: 0,
                watch: 0,
            }),
            returned: Condvar::new(),
            wake,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A job's panic is caught outside the lock, so the lock is never poisoned by
        // one; take the data either way.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Appends `job` (see [`Pushed`]).
    pub fn push(&self, job: Job) -> Pushed {
        let mut inner = self.lock();
        inner.pending += job.pixels;
        inner.pushed += 1;
        inner.jobs.push_back(job);
        Pushed {
            ask: !std::mem::replace(&mut inner.asked, true),
            waiting: inner.pending,
            seq: inner.pushed,
        }
    }

    /// Whether job `seq` ([`Pushed::seq`]) is done; if not, the thread that finishes
    /// it (or an earlier watched one) calls the lane's `wake`. (The state thread asks
    /// [`Lane::help`], which also draws.)
    #[cfg(test)]
    fn reached(&self, seq: u64) -> bool {
        let mut inner = self.lock();
        inner.done >= seq || {
            inner.watch_for(seq);
            false
        }
    }

    /// Takes the next drawing to draw.
    fn take(inner: &mut Inner) -> Option<Job> {
        let job = inner.jobs.pop_front()?;
        inner.pending -= job.pixels;
        Some(job)
    }

    /// Puts the pixmap back after a job, with its fault if it failed.
    fn put_back(&self, inner: &mut Inner, pixmap: Pixmap, fault: Option<Fault>) {
        inner.pixmap = Some(pixmap);
        inner.faults.extend(fault);
        inner.done += 1;
        if inner.watch != 0 && inner.done >= inner.watch {
            inner.watch = 0;
            (self.wake)();
        }
    }

    /// Draws the queued jobs in order, on the calling (rasterizer) thread, until none is
    /// left or `turn` pixels are drawn; true when jobs remain for another turn (the lane
    /// stays asked for). Returns false at once when someone else holds the pixmap: the
    /// state thread settling (it draws the rest) or helping ([`Lane::help`]: it asks
    /// again for what it leaves).
    pub fn drain(&self, turn: u64) -> bool {
        let mut inner = self.lock();
        let mut drawn = 0;
        loop {
            if inner.jobs.is_empty() || inner.wanted {
                inner.asked = false;
                return false;
            }
            if drawn >= turn {
                return true;
            }
            let Some(mut pixmap) = inner.pixmap.take() else {
                inner.asked = false;
                return false;
            };
            let job = Lane::take(&mut inner).expect("not empty");
            drawn += job.pixels;
            drop(inner);
            let fault = run(job, &mut pixmap, None);
            inner = self.lock();
            self.put_back(&mut inner, pixmap, fault);
            // Only a settling state thread waits for the pixmap (it set `wanted` under
            // this lock before it waits): a wake-up for nobody costs a system call a
            // drawing.
            if inner.wanted {
                self.returned.notify_all();
            }
        }
    }

    /// For the state thread: whether job `seq` ([`Pushed::seq`]) is done. When a thread
    /// has been asked to drain the lane (or is drawing it), that thread calls the lane's
    /// `wake` once the job is done; otherwise the jobs up to it are drawn here, with
    /// `workers`. The second answer: jobs remain that no thread has been asked to draw,
    /// and the caller must ask one (the lane is marked asked).
    ///
    /// Why not draw here whenever no thread holds the pixmap: with more lanes than lane
    /// threads, most lanes wait for a thread at any time, and the state thread drew
    /// them for every client that asked for an answer, falling behind with reading
    /// and applying requests while the lane threads went idle.
    pub fn help(&self, seq: u64, workers: Option<&Workers>) -> (bool, bool) {
        let mut inner = self.lock();
        loop {
            if inner.done >= seq {
                let ask = !inner.jobs.is_empty() && !std::mem::replace(&mut inner.asked, true);
                return (true, ask);
            }
            if inner.asked {
                inner.watch_for(seq);
                return (false, false);
            }
            let Some(mut pixmap) = inner.pixmap.take() else {
                inner.watch_for(seq);
                return (false, false);
            };
            // Nobody draws: every job not done is queued, job `seq` among them.
            let job = Lane::take(&mut inner).expect("job seq is queued");
            drop(inner);
            let fault = run(job, &mut pixmap, workers);
            inner = self.lock();
            self.put_back(&mut inner, pixmap, fault);
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
                Some(mut pixmap) => match Lane::take(&mut inner) {
                    Some(job) => {
                        drop(inner);
                        let fault = run(job, &mut pixmap, workers);
                        inner = self.lock();
                        self.put_back(&mut inner, pixmap, fault);
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

    /// Whether a drawing of the lane has failed (its fault waits for the settling).
    pub fn faulted(&self) -> bool {
        !self.lock().faults.is_empty()
    }
}

/// Most pixels a lane thread draws of one lane before the other lanes asked for have
/// their turn (the lane goes to the back of the queue): a client that keeps drawing
/// into one drawable does not keep a lane thread from the others' (about a
/// millisecond of copying).
pub const TURN_PIXELS: u64 = 1 << 20;

/// The threads that drain lanes: [`LaneThreads::ask`] queues a lane, and the first idle
/// thread drains it. Why threads of their own and not the band pool's (`bands`): a task
/// spawned on that pool from its thread 0 waited until the state thread itself joined a
/// drawing, and the state thread drew nearly every lane itself. The queue's lock is taken
/// once a lane is asked for and once it is taken: a few times per burst of drawings.
pub struct LaneThreads {
    queue: Arc<Queue>,
}

/// What the lane threads share with the state thread. Why a lock and a condition
/// variable: the state thread queues a lane when it gets drawings while no thread has
/// been asked for it, a lane thread puts it back after each turn, and the threads wait
/// for one: a few operations per turn of drawing, never per pixel.
struct Queue {
    /// The lanes asked for, oldest first, and whether the threads must end.
    asked: Mutex<(VecDeque<Arc<Lane>>, bool)>,
    /// Signalled when a lane is asked for or the threads must end.
    ready: Condvar,
}

impl LaneThreads {
    /// Starts `n` threads; `None` when none started (then no drawing is handed to a
    /// lane: with no thread to drain it, its client's output would wait for ever).
    pub fn start(n: usize) -> Option<LaneThreads> {
        let queue = Arc::new(Queue {
            asked: Mutex::new((VecDeque::new(), false)),
            ready: Condvar::new(),
        });
        let mut started = 0;
        for i in 0..n {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("yonder-lane-{i}"))
                .spawn(move || queue.serve());
            match spawned {
                Ok(_) => started += 1,
                Err(e) => tracing::warn!(error = %e, "a lane thread did not start"),
            }
        }
        (started > 0).then_some(LaneThreads { queue })
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
                    let more = lane.drain(TURN_PIXELS);
                    asked = self.lock();
                    if more {
                        // The other lanes asked for meanwhile go first.
                        asked.0.push_back(lane);
                    }
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
        ..
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
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn job(client: u32, draw: impl FnOnce(&mut Pixmap, Option<&Workers>) + Send + 'static) -> Job {
        Job {
            client: ClientId(client),
            opcode: 41,
            pixels: 1,
            draw: Box::new(draw),
        }
    }

    /// A lane whose wake-ups are counted in `woken`.
    fn lane(woken: &Arc<AtomicUsize>) -> Arc<Lane> {
        let woken = woken.clone();
        let wake = move || {
            woken.fetch_add(1, Ordering::SeqCst);
        };
        Lane::new(Pixmap::new(4, 4).unwrap(), Arc::new(wake))
    }

    /// Jobs run in order whoever draws them; one that panics is its client's fault, and
    /// those after it still draw.
    #[test]
    fn jobs_draw_in_order_and_a_panic_is_its_clients_fault() {
        for drained_by_another in [false, true] {
            let lane = lane(&Arc::default());
            assert!(lane.push(job(1, |pm, _| pm.data_mut()[0] = 1)).ask);
            assert!(
                !lane.push(job(1, |pm, _| pm.data_mut()[0] *= 10)).ask,
                "asked once"
            );
            lane.push(job(2, |_, _| panic!("a bug")));
            lane.push(job(3, |pm, _| pm.data_mut()[1] = pm.data()[0] + 1));
            let other = drained_by_another.then(|| {
                let lane = lane.clone();
                std::thread::spawn(move || lane.drain(u64::MAX))
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

    /// What waits on a lane is counted as it is handed and as it is taken, whoever
    /// draws it, and a drained lane asks for a thread again; the state thread learns
    /// when a job is done, and is woken once for the first one it waits for; a failed
    /// drawing is done too, and shows before the lane is settled.
    #[test]
    fn a_lane_counts_what_waits_and_wakes_whoever_waits_for_a_job() {
        let woken = Arc::new(AtomicUsize::new(0));
        let lane = lane(&woken);
        let big = |pixels| Job {
            pixels,
            ..job(1, |pm, _| pm.data_mut()[0] += 1)
        };
        let pushed = |ask, waiting, seq| Pushed { ask, waiting, seq };
        assert_eq!(lane.push(big(100)), pushed(true, 100, 1));
        assert_eq!(lane.push(big(50)), pushed(false, 150, 2));
        assert!(!lane.reached(2) && !lane.reached(1), "nothing drawn yet");
        lane.drain(u64::MAX);
        assert_eq!(woken.load(Ordering::SeqCst), 1, "once, at job 1");
        assert!(lane.reached(2) && lane.reached(1));
        assert!(!lane.faulted());
        assert_eq!(
            lane.push(big(7)),
            pushed(true, 7, 3),
            "drained: asked again"
        );
        lane.push(job(2, |_, _| panic!("a bug")));
        assert!(!lane.reached(4));
        lane.drain(u64::MAX);
        assert_eq!(woken.load(Ordering::SeqCst), 2);
        assert!(lane.reached(4) && lane.faulted());
        assert_eq!(lane.push(big(1)), pushed(true, 1, 5));
        let (pm, faults) = lane.settle(None);
        assert_eq!(pm.data()[0], 4);
        assert_eq!(faults.len(), 1);
    }

    /// A lane thread's turn ends after its pixels with jobs left; the state thread
    /// waits for the job it needs while a thread is asked for the lane (and is woken),
    /// and draws up to it itself only when no thread will, asking one for the rest.
    #[test]
    fn a_turn_ends_with_jobs_left_and_help_draws_only_when_no_thread_will() {
        let woken = Arc::new(AtomicUsize::new(0));
        let lane = lane(&woken);
        let add = |n| Job {
            pixels: 10,
            ..job(1, move |pm, _| pm.data_mut()[0] = pm.data()[0] * 2 + n)
        };
        for n in 1..=5 {
            lane.push(add(n));
        }
        assert!(lane.drain(15), "two jobs drawn, three left");
        assert_eq!(
            lane.help(3, None),
            (false, false),
            "a thread is asked: wait"
        );
        assert!(lane.drain(10), "job 3 in the next turn");
        assert_eq!(woken.load(Ordering::SeqCst), 1);
        assert_eq!(lane.help(3, None), (true, false));
        // As when a thread found the pixmap held and left.
        lane.lock().asked = false;
        assert_eq!(
            lane.help(4, None),
            (true, true),
            "job 4 drawn here; ask for 5"
        );
        assert!(!lane.drain(u64::MAX), "job 5, then none left");
        let (pm, _) = lane.settle(None);
        assert_eq!(pm.data()[0], (((2 + 2) * 2 + 3) * 2 + 4) * 2 + 5);
    }
}
