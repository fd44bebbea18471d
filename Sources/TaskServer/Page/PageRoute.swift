import Hummingbird

/// `GET /`: the web page, shipped inside the binary (no CDN, no build step).
struct PageRoute {
    func add(to router: Router<TaskRequestContext>) {
        router.get("/") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            // The page runs only its own script: no inline handlers, nothing from elsewhere.
            headers[.contentSecurityPolicy] = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'none'"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: WebPage.html)))
        }
    }
}
