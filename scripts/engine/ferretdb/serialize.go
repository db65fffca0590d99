package main

// FerretDB 1.x executes findAndModify and update as "query, then replace by _id" with no
// concurrency control (internal/handler/msg_findandmodify.go), so two concurrent conditional
// updates can both pass their guard and one update is lost: observed here as 50 of 50 guarded
// decrements of a stock of 10 "succeeding". MongoDB makes every single-document write atomic; the
// mall's stock, points and seat rules depend on exactly that.
//
// This proxy restores it for the embedded engine: it sits in front of FerretDB and forwards the write
// commands on one collection one at a time (OP_MSG request → its reply), so no two writes to a
// collection interleave. MongoDB's guarantee is per document, so writes to different collections
// may run side by side (an order's stock take and its points debit do not wait for each other);
// commands whose collection cannot be read (bulk writes sending a document sequence first,
// dropDatabase) wait for every collection. Reads pass freely: a read sees a document before or
// after a write, never half of one, and lost updates only come from interleaved writes.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
)

const (
	opMsg        = 2013
	moreToCome   = 1 << 1
	headerLength = 16
	maxMessage   = 48 * 1024 * 1024
)

type serializingProxy struct {
	upstream string
	// all is held shared by a write on one collection and exclusively by a write on unknown ones.
	all         sync.RWMutex
	collections sync.Map // collection name → *sync.Mutex
}

func (p *serializingProxy) lock(collection string) func() {
	if collection == "" {
		p.all.Lock()
		return p.all.Unlock
	}
	p.all.RLock()
	mu, _ := p.collections.LoadOrStore(collection, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return func() {
		mu.(*sync.Mutex).Unlock()
		p.all.RUnlock()
	}
}

func (p *serializingProxy) serve(listener net.Listener) {
	for {
		client, err := listener.Accept()
		if err != nil {
			return
		}
		go p.handle(client)
	}
}

func (p *serializingProxy) handle(client net.Conn) {
	defer client.Close()
	upstream, err := net.Dial("tcp", p.upstream)
	if err != nil {
		return
	}
	defer upstream.Close()
	for {
		request, err := readMessage(client)
		if err != nil {
			return
		}
		write, collection := writeTarget(request)
		unlock := func() {}
		if write {
			unlock = p.lock(collection)
		}
		err = p.roundTrip(client, upstream, request)
		unlock()
		if err != nil {
			return
		}
	}
}

func (p *serializingProxy) roundTrip(client, upstream net.Conn, request []byte) error {
	if _, err := upstream.Write(request); err != nil {
		return err
	}
	if isOpMsg(request) && flags(request)&moreToCome != 0 {
		return nil // fire-and-forget write: no reply comes
	}
	for {
		reply, err := readMessage(upstream)
		if err != nil {
			return err
		}
		if _, err := client.Write(reply); err != nil {
			return err
		}
		if !isOpMsg(reply) || flags(reply)&moreToCome == 0 {
			return nil
		}
	}
}

func readMessage(r io.Reader) ([]byte, error) {
	header := make([]byte, headerLength)
	if _, err := io.ReadFull(r, header); err != nil {
		return nil, err
	}
	length := int(int32(binary.LittleEndian.Uint32(header)))
	if length < headerLength || length > maxMessage {
		return nil, errors.New("bad message length")
	}
	message := make([]byte, length)
	copy(message, header)
	if _, err := io.ReadFull(r, message[headerLength:]); err != nil {
		return nil, err
	}
	return message, nil
}

func isOpMsg(message []byte) bool {
	return int32(binary.LittleEndian.Uint32(message[12:16])) == opMsg
}

func flags(message []byte) uint32 {
	if len(message) < headerLength+4 {
		return 0
	}
	return binary.LittleEndian.Uint32(message[16:20])
}

// writeCommands are the commands that change data or schema.
var writeCommands = map[string]bool{
	"insert": true, "update": true, "delete": true, "findAndModify": true, "findandmodify": true,
	"create": true, "createIndexes": true, "drop": true, "dropDatabase": true, "dropIndexes": true,
	"renameCollection": true, "collMod": true,
}

// writeTarget: whether an OP_MSG is a write command, and the collection it writes ("" when that
// cannot be told, or the command spans collections). Legacy opcodes are only used for the initial
// handshake by current drivers.
func writeTarget(message []byte) (bool, string) {
	if !isOpMsg(message) || len(message) < headerLength+4+1+4+1 {
		return false, ""
	}
	// flagBits, then section kind 0 (the command body): int32 length, then the first element:
	// type byte, the command name as a C string, and for collection commands a string value (int32
	// length including the NUL, then the bytes) naming the collection.
	body := message[headerLength+4:]
	if body[0] != 0 {
		return true, "" // a document sequence first: only bulk writes send those
	}
	element := body[1+4:]
	elementType := element[0]
	name := element[1:]
	end := bytes.IndexByte(name, 0)
	if end < 0 {
		return true, ""
	}
	command := string(name[:end])
	if !writeCommands[command] {
		return false, ""
	}
	if command == "dropDatabase" || command == "renameCollection" || elementType != 0x02 {
		return true, ""
	}
	value := name[end+1:]
	if len(value) < 5 {
		return true, ""
	}
	length := int(int32(binary.LittleEndian.Uint32(value[:4])))
	if length < 1 || 4+length > len(value) {
		return true, ""
	}
	return true, string(value[4 : 4+length-1])
}
