// A bot written with Go's telebot (gopkg.in/telebot.v3), a client that parses ids as 64-bit
// integers: started by test/gateway/telebot.test.ts against the gateway's Telegram form.
// API_ROOT, BOT_TOKEN and PHOTO (a file to upload) come from the environment.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	tele "gopkg.in/telebot.v3"
)

func main() {
	bot, err := tele.NewBot(tele.Settings{
		URL:    os.Getenv("API_ROOT"),
		Token:  os.Getenv("BOT_TOKEN"),
		Poller: &tele.LongPoller{Timeout: time.Second},
		OnError: func(err error, _ tele.Context) {
			log.Printf("handler error: %v", err)
		},
	})
	if err != nil {
		log.Fatalf("start: %v", err)
	}

	bot.Handle("/start", func(c tele.Context) error {
		return c.Send("Welcome! payload=" + c.Message().Payload)
	})
	bot.Handle("/menu", func(c tele.Context) error {
		keyboard := &tele.ReplyMarkup{InlineKeyboard: [][]tele.InlineButton{
			{{Text: "Yes", Data: "pick:yes"}},
		}}
		return c.Send("Pick one", keyboard)
	})
	bot.Handle(tele.OnCallback, func(c tele.Context) error {
		choice := c.Callback().Data[len("pick:"):]
		if err := c.Respond(&tele.CallbackResponse{Text: "You picked " + choice}); err != nil {
			return err
		}
		return c.Edit("Picked: " + choice)
	})
	bot.Handle("/photo", func(c tele.Context) error {
		return c.Send(&tele.Photo{File: tele.FromDisk(os.Getenv("PHOTO")), Caption: "A dot"})
	})
	bot.Handle(tele.OnText, func(c tele.Context) error {
		return c.Send("Echo: " + c.Text())
	})
	// A document: fetched with getFile and downloaded, then its digest said back.
	bot.Handle(tele.OnDocument, func(c tele.Context) error {
		doc := c.Message().Document
		file, err := bot.FileByID(doc.FileID)
		if err != nil {
			return err
		}
		target := filepath.Join(os.TempDir(), fmt.Sprintf("telebot-%d", c.Message().ID))
		defer os.Remove(target)
		if err := bot.Download(&file, target); err != nil {
			return err
		}
		f, err := os.Open(target)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		n, err := io.Copy(h, f)
		if err != nil {
			return err
		}
		return c.Send(fmt.Sprintf("got %s: %d bytes, sha256 %s, chat %d, from %d",
			doc.FileName, n, hex.EncodeToString(h.Sum(nil)), c.Chat().ID, c.Sender().ID))
	})

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-stop
		bot.Stop()
	}()
	fmt.Printf("ready as @%s (id %d)\n", bot.Me.Username, bot.Me.ID)
	bot.Start()
}
