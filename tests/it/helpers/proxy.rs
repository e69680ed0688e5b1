//! A TCP forwarder between the server and its database, that a test can cut to take the
//! database away (as when PostgreSQL stops or the network fails).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub struct TcpProxy {
    pub addr: SocketAddr,
    tasks: Arc<Mutex<Vec<JoinHandle<()>>>>,
    acceptor: JoinHandle<()>,
}

impl TcpProxy {
    pub async fn start(target: String) -> TcpProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let tasks: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let spawned = tasks.clone();
        let acceptor = tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let target = target.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                if let Ok(mut tasks) = spawned.lock() {
                    tasks.push(task);
                }
            }
        });
        TcpProxy {
            addr,
            tasks,
            acceptor,
        }
    }

    /// Stops listening and drops every forwarded connection.
    pub fn cut(&self) {
        self.acceptor.abort();
        if let Ok(tasks) = self.tasks.lock() {
            tasks.iter().for_each(JoinHandle::abort);
        }
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.cut();
    }
}
